//! Files: reading with a size cap, atomic 0600 writes that never clobber without being asked.
//!
//! Every write goes through [`write_atomic`]: a temporary file in the target's folder (created
//! 0600, exclusive), written, fsynced, then moved into place (rename to replace, hard link to
//! refuse an existing target atomically), then the folder is fsynced. A crash at any moment
//! leaves the old file or the new one, never a mixture; a leftover temporary file is swept by
//! [`sweep_temps`].

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::secret::SecretBytes;

/// A path as it may be shown on a terminal: control characters (escape sequences, newlines)
/// and bidirectional controls are escaped (`\u{1b}`), so a file name picked up by a glob cannot
/// clear the screen, print fake lines, or reorder a sentence. Every path a message names goes
/// through here.
pub fn shown(path: &Path) -> String {
    shown_text(&path.to_string_lossy())
}

/// Untrusted text (a label, a custodian name) as it may be shown on a terminal, escaped as
/// [`shown`] escapes a path; every other character, quotes included, is shown as it is.
pub fn shown_text(text: &str) -> String {
    let bidi = |c: char| matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || bidi(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// A name (a custodian's, a label) to show inside a line of a table or sentence: escaped as
/// [`shown_text`], and ended by a left-to-right mark when it holds right-to-left letters
/// (Hebrew, Arabic, ...), so that a bidirectional terminal does not pull the numbers, dates and
/// words after it into its run and reorder the line.
pub fn shown_name(text: &str) -> String {
    let rtl = |c: char| {
        matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}'
            | '\u{10800}'..='\u{10fff}' | '\u{1e800}'..='\u{1efff}')
    };
    let mut out = shown_text(text);
    if text.chars().any(rtl) {
        out.push('\u{200e}');
    }
    out
}

/// Marker in the names of temporary files.
const TEMP_MARK: &str = ".gsl-vault-tmp-";

/// Creates `dir` (and its parents) readable by its owner only (0700, whatever the umask): share
/// files, kits and copies go in it.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(shown(dir), e))
}

/// Opens `path` for reading only if it is a regular file. It is opened without blocking, so a
/// FIFO (or a device) named in its place is refused at once instead of waiting for a writer
/// forever (a cron job would never report).
pub fn open_regular(path: &Path) -> Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(|e| Error::io(shown(path), e))?;
    let meta = f.metadata().map_err(|e| Error::io(shown(path), e))?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "{} is not a regular file (a folder, a pipe or a device): give the file itself.",
            shown(path)
        )));
    }
    Ok(f)
}

/// Opens `path` and refuses it, before reading, if it is larger than `cap` bytes.
fn open_capped(path: &Path, cap: u64, what: &str) -> Result<std::io::Take<File>> {
    let f = open_regular(path)?;
    let len = f.metadata().map_err(|e| Error::io(shown(path), e))?.len();
    if len > cap {
        return Err(too_big(path, cap, what));
    }
    // One byte more than the cap: a file that grew since it was measured is caught below.
    Ok(f.take(cap + 1))
}

/// Reads the first `cap` bytes of a regular file (a saved e-mail: what a reader needs is at its
/// start).
pub fn read_head(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    open_regular(path)?
        .take(cap)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(shown(path), e))?;
    Ok(buf)
}

/// Reads a whole file of at most `cap` bytes; a larger one is refused without being read.
pub fn read_capped(path: &Path, cap: u64, what: &str) -> Result<Vec<u8>> {
    let mut r = open_capped(path, cap, what)?;
    let mut buf = Vec::new();
    r.read_to_end(&mut buf)
        .map_err(|e| Error::io(shown(path), e))?;
    if buf.len() as u64 > cap {
        return Err(too_big(path, cap, what));
    }
    Ok(buf)
}

/// Reads a whole file of at most `cap` bytes that holds a secret (a share) into a buffer sized
/// once, wiped when dropped; a larger file is refused without being read.
pub fn read_capped_secret(path: &Path, cap: u64, what: &str) -> Result<SecretBytes> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(shown(path), e))?
        .len();
    let mut r = open_capped(path, cap, what)?;
    // Sized once for the file as measured (a file that grows meanwhile is refused below).
    let mut out = SecretBytes::with_capacity(len.min(cap) as usize + 1);
    let mut chunk = zeroize::Zeroizing::new([0u8; 1024]);
    loop {
        let n = match r.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(shown(path), e)),
        };
        out.extend(&chunk[..n])
            .map_err(|_| too_big(path, cap, what))?;
    }
    if out.len() as u64 > cap {
        return Err(too_big(path, cap, what));
    }
    Ok(out)
}

fn too_big(path: &Path, cap: u64, what: &str) -> Error {
    Error::Corrupt(format!(
        "{} is larger than any {what} ({} KiB at most): check that it is the right file.",
        shown(path),
        cap / 1024
    ))
}

/// Reads a secret from a reader into a buffer sized once (`max` + 2 bytes for a line ending),
/// and strips one trailing "\n" or "\r\n". `source` names it in errors.
pub fn read_secret(mut r: impl Read, max: usize, source: &str) -> Result<SecretBytes> {
    let mut out = SecretBytes::with_capacity(max + 2);
    let mut chunk = zeroize::Zeroizing::new([0u8; 256]);
    loop {
        let n = match r.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(source, e)),
        };
        out.extend(&chunk[..n]).map_err(|_| {
            Error::Usage(format!(
                "{source} holds more than {max} bytes: check that it is the right file."
            ))
        })?;
    }
    if out.expose().ends_with(b"\r\n") {
        out.truncate_by(2);
    } else if out.expose().ends_with(b"\n") {
        out.truncate_by(1);
    }
    if out.len() > max {
        return Err(Error::Usage(format!(
            "{source} holds more than {max} bytes: check that it is the right file."
        )));
    }
    Ok(out)
}

/// Reads a secret from a file path, or stdin for "-".
pub fn read_secret_path(path: &Path, max: usize) -> Result<SecretBytes> {
    if path == Path::new("-") {
        read_secret(std::io::stdin().lock(), max, "standard input")
    } else {
        let f = open_regular(path)?;
        read_secret(f, max, &shown(path).to_string())
    }
}

/// The file a path names, through symbolic links, so a vault reached by a link is replaced in
/// its own folder (the link stays a link). A path that does not exist yet is kept as is.
fn resolve(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn temp_path(path: &Path) -> Result<PathBuf> {
    let mut r = [0u8; 6];
    crate::secret::fill_random(&mut r)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(parent_of(path).join(format!(
        ".{name}{TEMP_MARK}{}-{}",
        std::process::id(),
        crate::hex::encode(&r)
    )))
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Writes `bytes` to `path` atomically with mode 0600. With `replace` false an existing `path`
/// is refused (atomically: no check-then-write race). A symbolic link in its place is refused
/// too: `--force` must not write through a link to someone else's file.
pub fn write_atomic(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    // Every folder gsl-vault writes into is swept of a crash's leftovers (a killed `kit` left
    // a custodian's words in one), not only the vault's (issue 28, item 8).
    if replace && is_symlink(path) {
        return Err(Error::Usage(format!(
            "{} is a symbolic link: gsl-vault writes no share, kit or copy through a link; remove it or choose another folder.",
            shown(path)
        )));
    }
    sweep_temps(path, false);
    write_to(path, bytes, replace)
}

/// [`write_atomic`] for the vault file, which may be a symbolic link to the real file (kept in
/// a synced folder, say): the file it resolves to is replaced in its own folder, and the link
/// stays. A link that resolves to nothing, or to something other than a regular file, is
/// refused rather than replaced by a file.
pub fn write_vault_atomic(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    if replace && is_symlink(path) {
        let target = resolve(path);
        if !target.is_file() {
            return Err(Error::Usage(format!(
                "{} is a symbolic link to no regular file: point it at the vault file, or remove it.",
                shown(path)
            )));
        }
        return write_to(&target, bytes, replace);
    }
    write_to(path, bytes, replace)
}

fn write_to(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    let tmp = temp_path(path)?;
    let owner = fs::metadata(path).ok();
    let result = (|| {
        // Errors name the file asked for, never the temporary one (issue 28, item 8).
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| Error::io(shown(path), e))?;
        if replace && let Some(m) = &owner {
            keep_owner(&f, m, path)?;
        }
        f.write_all(bytes).map_err(|e| Error::io(shown(path), e))?;
        f.sync_all().map_err(|e| Error::io(shown(path), e))?;
        drop(f);
        if replace {
            fs::rename(&tmp, path).map_err(|e| Error::io(shown(path), e))?;
        } else {
            match fs::hard_link(&tmp, path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(Error::Exists(shown(path).to_string()));
                }
                // FAT and exFAT (USB sticks) have no hard links: create the target exclusively
                // and copy. Still never clobbers; not atomic, so a crash can leave it partial.
                Err(_) => {
                    let mut f = OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .mode(0o600)
                        .open(path)
                        .map_err(|e| {
                            if e.kind() == std::io::ErrorKind::AlreadyExists {
                                Error::Exists(shown(path).to_string())
                            } else {
                                Error::io(shown(path), e)
                            }
                        })?;
                    if let Err(e) = f.write_all(bytes).and_then(|_| f.sync_all()) {
                        // This process made the file: a partial one is not left behind.
                        drop(f);
                        wipe_and_remove(path);
                        return Err(Error::io(shown(path), e));
                    }
                }
            }
            // The new file is in place (linked, or copied): a temporary name that cannot be
            // removed now is swept later, and must never be wiped, since it may be the very
            // file just written (one inode, two names).
            let _ = fs::remove_file(&tmp);
        }
        // The change is in place: a folder that cannot be synced now does not undo it. Said
        // once the command ends, with its own exit code (issue 28, item 8).
        if let Err(Error::Io { source, .. }) = sync_dir(&parent_of(path)) {
            not_durable(path, &source);
        }
        Ok(())
    })();
    if result.is_err() {
        wipe_and_remove(&tmp);
    }
    result
}

/// Files written and renamed into place whose folder could not then be synced: in force, but
/// perhaps not after a power cut. The command line says so when the command ends.
static NOT_DURABLE: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

fn not_durable(path: &Path, source: &std::io::Error) {
    if let Ok(mut list) = NOT_DURABLE.lock() {
        list.push((shown(path), source.to_string()));
    }
}

/// The files written this run that may not survive a power cut (name, what the OS said), once.
pub fn take_not_durable() -> Vec<(String, String)> {
    NOT_DURABLE
        .lock()
        .map(|mut l| std::mem::take(&mut *l))
        .unwrap_or_default()
}

/// Overwrites a regular file with zeros, syncs it, then unlinks it, never following a
/// symbolic link (`O_NOFOLLOW`: a link is refused, and left). A file with other names (hard
/// links) is only unlinked: its content belongs to those names too. `Ok(true)` when it was
/// overwritten, `Ok(false)` when only unlinked. On an SSD or a copy-on-write file system the
/// old blocks may survive the overwrite (SECURITY.md).
pub fn wipe_file(path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt as _;
    let mut f = OpenOptions::new()
        .write(true)
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32)
        .open(path)?;
    let m = f.metadata()?;
    if !m.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let alone = m.nlink() == 1;
    if alone {
        let zeros = [0u8; 64 * 1024];
        let mut left = m.len();
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        f.sync_all()?;
    }
    drop(f);
    fs::remove_file(path)?;
    Ok(alone)
}

/// [`wipe_file`] for a temporary file a write or a crash left: a write that failed half-way
/// may have put part of a share, a copy or a key in it. A name that is also the new file's is
/// only unlinked. Best effort: what cannot be overwritten is still removed.
pub fn wipe_and_remove(tmp: &Path) {
    if wipe_file(tmp).is_err() {
        let _ = fs::remove_file(tmp);
    }
}

/// A file replaced on behalf of its owner stays theirs: when another user (root running a
/// drill, say) replaces it, the new file gets the old one's owner and group (mode 0600 as
/// always); a user who cannot give it back is refused, and nothing is written.
fn keep_owner(f: &File, old: &fs::Metadata, path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    let mine = f.metadata().map_err(|e| Error::io(shown(path), e))?;
    if mine.uid() == old.uid() {
        if mine.gid() != old.gid() {
            // Best effort: the owner's own file keeps its group where the owner may set it.
            let _ = std::os::unix::fs::fchown(f, None, Some(old.gid()));
        }
        return Ok(());
    }
    std::os::unix::fs::fchown(f, Some(old.uid()), Some(old.gid())).map_err(|_| {
        Error::Usage(format!(
            "{} belongs to another user (uid {}): gsl-vault would take it from them; run the command as that user. Nothing was written.",
            shown(path),
            old.uid()
        ))
    })
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(shown(dir), e))
}

/// An exclusive lock on the folder holding a vault, held by every read-modify-write of the vault
/// (drill receipts, reshare, passwd, ...), so two writers never lose each other's change, and a
/// sweep of temporary files never removes one a live writer is still filling. Released on drop
/// (and by the OS if the process dies). The lock file is removed on release, while still
/// held, so that no empty `.gsl-vault.lock` is left behind in a folder the user keeps (a shares
/// folder, a USB stick); a process that opened it just before then finds, once it holds the
/// lock, that the name no longer points to its file, and starts again.
pub struct FolderLock {
    file: File,
    path: PathBuf,
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Only our own file: if the name was replaced meanwhile (it cannot be while we hold the
        // lock, but a file system without locks gives no such promise), leave it.
        if same_file(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` names the open file `f` (same device and inode).
fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// How long a writer waits for another gsl-vault to finish with the folder (a cron `status`
/// sweeping, another drill) before giving up.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Takes the folder lock for `path`, waiting up to ten seconds.
///
/// # Errors
/// `Error::Other` if another gsl-vault process keeps holding it.
pub fn lock_folder(path: &Path) -> Result<FolderLock> {
    let start = std::time::Instant::now();
    loop {
        match try_lock_folder(path) {
            // Only a lock held by another gsl-vault is waited for; a folder that cannot hold
            // a lock file (read-only, missing) is said at once.
            Err(Error::Other(_)) if start.elapsed() < LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            r => return r,
        }
    }
}

/// The lock file of a folder: a dedicated, private file (0600), so that no other user who can
/// merely read the folder can hold its lock and block every write.
pub const LOCK_FILE: &str = ".gsl-vault.lock";

/// Takes the folder lock for `path` without waiting.
fn try_lock_folder(path: &Path) -> Result<FolderLock> {
    let dir = parent_of(&resolve(path));
    let lock = dir.join(LOCK_FILE);
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(&lock)
        .map_err(|e| Error::io(shown(path), e))?;
    match rustix::fs::flock(&f, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        // The holder before us removed the name as it released the lock: take the new file.
        Ok(()) if !same_file(&f, &lock) => Err(Error::Other(format!(
            "another gsl-vault is changing a vault in {}: wait for it to finish, then run the command again.",
            shown(&dir)
        ))),
        Ok(()) => Ok(FolderLock {
            file: f,
            path: lock,
        }),
        Err(rustix::io::Errno::WOULDBLOCK) => Err(Error::Other(format!(
            "another gsl-vault is changing a vault in {}: wait for it to finish, then run the command again.",
            shown(&dir)
        ))),
        // The lock file was removed by the holder before us (on NFS, a stale handle), or a
        // signal came: start again with the name as it is now.
        Err(rustix::io::Errno::STALE | rustix::io::Errno::NOENT | rustix::io::Errno::INTR) => {
            Err(Error::Other(format!(
                "another gsl-vault is changing a vault in {}: wait for it to finish, then run the command again.",
                shown(&dir)
            )))
        }
        // A file system without locks: go on unlocked rather than refuse to work.
        Err(_) => Ok(FolderLock {
            file: f,
            path: lock,
        }),
    }
}

/// Removes the temporary files a crash left in the folder of `path` (a vault's, a share's: any
/// file gsl-vault was writing there), if no other gsl-vault holds that folder's lock; with
/// `held`, the caller holds it already. Best effort.
pub fn sweep_temps(path: &Path, held: bool) {
    let _lock = if held {
        None
    } else {
        match try_lock_folder(path) {
            Ok(l) => Some(l),
            Err(_) => return,
        }
    };
    // The real folder: a vault reached through a link is written (and so leaves its temporary
    // files) beside its target.
    if let Ok(entries) = fs::read_dir(parent_of(&resolve(path))) {
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.contains(TEMP_MARK) && is_leftover(&name, &e) {
                // Claimed first by a rename (atomic): a writer this process cannot see (another
                // PID namespace) that moves it into place at the same moment keeps its file,
                // and one that has not yet fails its own rename. Then, as it may hold a
                // custodian's words or a key, it is overwritten before it goes.
                let claimed = e
                    .path()
                    .with_file_name(format!("{name}-swept{}", std::process::id()));
                if fs::rename(e.path(), &claimed).is_ok() {
                    wipe_and_remove(&claimed);
                }
            }
        }
    }
}

/// Whether a temporary file is a crash's leftover, not one another gsl-vault is filling right
/// now without holding this folder's lock (`recover -o` into it, a share written to it): its
/// writer (whose process id its name carries) is gone, or, where that cannot be told, it is old.
fn is_leftover(name: &str, e: &fs::DirEntry) -> bool {
    let pid = name
        .rsplit(TEMP_MARK)
        .next()
        .and_then(|rest| rest.split_once('-'))
        .and_then(|(pid, _)| pid.parse::<u32>().ok());
    if let Some(pid) = pid
        && Path::new("/proc/self").exists()
    {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    e.metadata()
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > SWEEP_AGE))
}

/// How old a temporary file must be to be swept as a crash's leftover: every write fills and
/// moves its temporary file within moments, so one this old has no writer.
const SWEEP_AGE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Whether two paths are in the same folder (then one folder lock covers both).
pub fn same_folder(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| fs::canonicalize(parent_of(p)).unwrap_or_else(|_| parent_of(p));
    canon(a) == canon(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A waiter that opened the lock file before its holder released it (and removed the name)
    /// holds a file nobody else locks: once it has the lock, it must see that the name no longer
    /// points to its file, and start again rather than write unlocked.
    #[test]
    fn a_lock_taken_on_a_removed_lock_file_is_not_trusted() {
        let d = tempfile::tempdir().unwrap();
        let vault = d.path().join("v.vault");
        let held = lock_folder(&vault).unwrap();
        let lock = d.path().join(LOCK_FILE);
        let early = File::open(&lock).unwrap();
        assert!(same_file(&early, &lock));
        drop(held);
        assert!(!lock.exists(), "the name goes with the lock");
        // The early waiter now gets the lock on its orphaned file...
        rustix::fs::flock(&early, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();
        // ...which no longer is the lock file: a new taker creates and locks another one.
        assert!(!same_file(&early, &lock));
        let again = lock_folder(&vault).unwrap();
        assert!(lock.exists());
        assert!(
            !same_file(&early, &lock),
            "the new lock file is another file"
        );
        let mode = std::fs::metadata(&lock).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the lock file is private: {mode:o}");
        drop(again);
    }

    #[test]
    fn temps_are_swept_only_when_no_writer_holds_the_folder() {
        let d = tempfile::tempdir().unwrap();
        let v = d.path().join("v.vault");
        let leftover = d.path().join(format!(".alice.share{TEMP_MARK}0011"));
        fs::write(&leftover, b"half a share").unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&leftover)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let young = d.path().join(format!(".out.txt{TEMP_MARK}0022"));
        fs::write(&young, b"being written by another gsl-vault").unwrap();
        let lock = lock_folder(&v).unwrap();
        assert!(try_lock_folder(&v).is_err(), "a second writer is refused");
        drop(lock);
        let held = lock_folder(&v).unwrap();
        // Another process would see the lock taken and leave the file alone; this one holds it.
        sweep_temps(&v, true);
        drop(held);
        assert!(!leftover.exists(), "swept");
        assert!(young.exists(), "a file being written now is not a leftover");
        fs::write(d.path().join("keep.txt"), b"x").unwrap();
        sweep_temps(&v, false);
        assert!(
            d.path().join("keep.txt").exists(),
            "only gsl-vault's temporary files"
        );
    }

    #[test]
    fn atomic_write_is_0600_and_refuses_to_clobber() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("v");
        write_atomic(&p, b"one", false).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(matches!(
            write_atomic(&p, b"two", false),
            Err(Error::Exists(_))
        ));
        assert_eq!(fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"two", true).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::read_dir(d.path()).unwrap().count(),
            1,
            "no temp file left behind"
        );
    }

    #[test]
    fn secret_reader_strips_one_newline_and_caps() {
        assert_eq!(
            read_secret(&b"key\n"[..], 10, "t").unwrap().expose(),
            b"key"
        );
        assert_eq!(
            read_secret(&b"key\r\n"[..], 10, "t").unwrap().expose(),
            b"key"
        );
        assert_eq!(
            read_secret(&b"key\n\n"[..], 10, "t").unwrap().expose(),
            b"key\n"
        );
        assert!(read_secret(&[b'a'; 11][..], 10, "t").is_err());
    }
}
