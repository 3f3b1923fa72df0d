//! Helpers shared by the integration tests: run the real binary, make real vaults.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const MASTER: &str = "GSL-test-master-key-Qx7!vR2#pL9";
pub const PASS: &str = "a long and test-only passphrase";

/// Whether `tool` can be run (it answers `probe`). Outside CI a missing tool skips the test
/// that needs it, with a line naming the Debian package; in CI (`CI` set) a missing tool fails
/// the test, so CI never counts a skipped comparison as a pass.
/// Says, past the test harness's output capture, that a test skipped and why: a skipped test
/// passes (stable Rust cannot mark it ignored at run time), so the run must say it was skipped.
/// Only outside CI: in CI a missing tool fails the test instead.
pub fn skipped(why: &str) {
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIPPED {}: {why}",
        std::thread::current().name().unwrap_or("a test")
    );
}

pub fn have_tool(tool: &str, probe: &str, package: &str) -> bool {
    if Command::new(tool).arg(probe).output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install {tool} (apt-get install {package})"
    );
    skipped(&format!("{tool} not installed (apt-get install {package})"));
    false
}

/// The state folder of the runs in `dir` (the generations seen of each vault): one per test
/// folder, so tests that copy the same vector vault do not see each other's writes, and kept
/// out of the user's own `~/.local/state`.
pub fn state_home(dir: &Path) -> PathBuf {
    let name: String = dir
        .display()
        .to_string()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    std::env::temp_dir()
        .join("gsl-vault-tests-state")
        .join(name)
}

/// Runs gsl-vault with `args` in `dir`, stdin closed.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("gsl-vault")
        .unwrap()
        .env("XDG_STATE_HOME", state_home(dir))
        .current_dir(dir)
        .args(args)
        .write_stdin(Vec::new())
        .output()
        .unwrap()
}

/// The words of a command line (split on spaces), to mix with arguments that hold spaces.
pub fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Runs the command line a user would type after `gsl-vault` (arguments split on spaces), in
/// `dir`, stdin closed.
pub fn gsl(dir: &Path, line: &str) -> Output {
    run(dir, &line.split_whitespace().collect::<Vec<_>>())
}

/// [`gsl`] with `stdin` as standard input.
pub fn gsl_stdin(dir: &Path, line: &str, stdin: &[u8]) -> Output {
    run_stdin(dir, &line.split_whitespace().collect::<Vec<_>>(), stdin)
}

/// Runs gsl-vault with `stdin` as standard input.
pub fn run_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    assert_cmd::Command::cargo_bin("gsl-vault")
        .unwrap()
        .env("XDG_STATE_HOME", state_home(dir))
        .current_dir(dir)
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap()
}

/// Asserts the exit code, showing stderr when it differs.
#[track_caller]
pub fn expect_exit(o: &Output, want: i32) {
    assert_eq!(code(o), want, "{}", stderr(o));
}

/// A refusal: exit code `want`, nothing on stdout (never a key), and `why` in the message.
pub fn expect_refused(o: &Output, want: i32, why: &str) {
    expect_exit(o, want);
    assert!(
        stdout(o).is_empty(),
        "nothing may be revealed: {}",
        stdout(o)
    );
    assert!(stderr(o).contains(why), "{}", stderr(o));
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("gsl-vault was killed by a signal")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The shares `dir/NAME.share` of `names` (NAME may hold a folder: "new/x"), as offered to the
/// library's unlock.
pub fn offered(dir: &Path, names: &[&str]) -> Vec<gsl_vault::vault::Offered> {
    names
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(format!("{n}.share"))).unwrap();
            gsl_vault::vault::Offered {
                source: n.to_string(),
                code: gsl_vault::share::parse_share_text(&text, n).unwrap(),
            }
        })
        .collect()
}

/// A folder holding the master key and passphrase files.
pub fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("master.txt"), format!("{MASTER}\n")).unwrap();
    std::fs::write(d.path().join("pass.txt"), format!("{PASS}\n")).unwrap();
    d
}

pub const NAMES: [&str; 5] = ["alice", "bob", "carol", "dave", "erin"];

/// Creates `v.vault` with custodians `names`, threshold `t` and `policy`, at the KDF floor.
pub fn init(dir: &Path, vault: &str, t: usize, names: &[&str], policy: &str) -> Output {
    init_format(dir, vault, t, names, policy, "3", &[])
}

/// As [`init`], with more arguments (`--shares-dir DIR`, `--kit`).
pub fn init_with(
    dir: &Path,
    vault: &str,
    t: usize,
    names: &[&str],
    policy: &str,
    more: &[&str],
) -> Output {
    init_format(dir, vault, t, names, policy, "3", more)
}

/// As [`init`], in format 2: for the tests of format 2's own mechanisms (the copy authority,
/// the lineage and its forks, identity pins), which existing vaults still use.
pub fn init_v2(dir: &Path, vault: &str, t: usize, names: &[&str], policy: &str) -> Output {
    init_format(dir, vault, t, names, policy, "2", &[])
}

fn init_format(
    dir: &Path,
    vault: &str,
    t: usize,
    names: &[&str],
    policy: &str,
    format: &str,
    more: &[&str],
) -> Output {
    let ts = t.to_string();
    let mut args = vec![
        "init",
        vault,
        "--threshold",
        &ts,
        "--secret-file",
        "master.txt",
        "--policy",
        policy,
        "--format",
        format,
    ];
    for n in names {
        args.push("--custodian");
        args.push(n);
    }
    if policy != "quorum" {
        args.extend([
            "--passphrase-file",
            "pass.txt",
            "--kdf-memory",
            "64",
            "--kdf-iterations",
            "3",
            "--kdf-parallelism",
            "2",
        ]);
    }
    args.extend(more);
    let o = run(dir, &args);
    assert_eq!(code(&o), 0, "init failed: {}", stderr(&o));
    o
}

pub fn share_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.share"))
}

/// Every file below `dir`, recursively.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A program under a real pseudo-terminal (tmux), for prompts.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(dir: &std::path::Path, cmd: &str) -> Option<Tmux> {
        if !have_tool("tmux", "-V", "tmux") {
            return None;
        }
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let socket = format!("gslv-test-{}-{n}", std::process::id());
        let bin = assert_cmd::cargo::cargo_bin("gsl-vault");
        let script = format!(
            "cd '{}' && '{}' {cmd}; echo EXIT=$?; stty -a; sleep 60",
            dir.display(),
            bin.display()
        );
        let ok = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                "220",
                "-y",
                "60",
                &script,
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux could not start");
        Some(Tmux { socket })
    }
    pub fn send(&self, line: &str) {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", line])
            .status()
            .unwrap();
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "Enter"])
            .status()
            .unwrap();
    }
    /// Sends a key by its tmux name (C-c, ...).
    pub fn key(&self, k: &str) {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", k])
            .status()
            .unwrap();
    }
    /// The pid of the program (the child of the pane's shell).
    pub fn program_pid(&self) -> u32 {
        let o = Command::new("tmux")
            .args(["-L", &self.socket, "list-panes", "-F", "#{pane_pid}"])
            .output()
            .unwrap();
        let shell: u32 = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap();
        let children =
            std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap();
        children
            .split_whitespace()
            .next()
            .expect("the program runs")
            .parse()
            .unwrap()
    }
    pub fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-J", "-S", "-200"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
    /// Waits until the screen shows `text` (the program answers at once; the wait is only
    /// for the terminal to catch up) and returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "never saw {text:?} on:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// The inline SVGs of a page (a kit's QR codes), in page order.
pub fn svgs_of(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = html[at..].find("<svg") {
        let start = at + start;
        let end = html[start..].find("</svg>").unwrap() + start + "</svg>".len();
        out.push(&html[start..end]);
        at = end;
    }
    out
}

/// Renders an SVG QR code (librsvg) `width` pixels wide and decodes it (zbar), as a phone or
/// scanner would: the text it holds, without zbar's final newline.
pub fn scan(dir: &Path, svg: &str, width: &str) -> String {
    std::fs::write(dir.join("qr.svg"), svg).unwrap();
    let r = Command::new("rsvg-convert")
        .args(["-w", width, "qr.svg", "-o", "qr.png"])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(r.success());
    let z = Command::new("zbarimg")
        .args(["-q", "--raw", "qr.png"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(z.status.success(), "zbarimg found no QR code");
    String::from_utf8(z.stdout).unwrap().trim_end().to_string()
}

/// How many sheets Chromium prints `html` on, at paper `size` (`A4`, `Letter`): the page tree's
/// `/Count` in the PDF it writes.
pub fn printed_sheets(dir: &Path, html: &str, size: &str) -> u32 {
    let page = html.replace("@page { size: auto;", &format!("@page {{ size: {size};"));
    std::fs::write(dir.join("page.html"), page).unwrap();
    let o = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--print-to-pdf=page.pdf",
            "page.html",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "chromium printed");
    let pdf = String::from_utf8_lossy(&std::fs::read(dir.join("page.pdf")).unwrap()).into_owned();
    pdf.split("/Count ")
        .skip(1)
        .filter_map(|t| {
            t.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0)
}
