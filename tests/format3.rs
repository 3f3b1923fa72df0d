//! Format 3 (FORMAT.md, "Version 3") through the library and the binary: every policy opens by
//! its paths; the key-less forgery that format 2 let through (reproduced here on format 2) is
//! refused on format 3 by the passphrase and by a quorum, on a machine with no state and no pin,
//! before anything is shown or written; copies carry no history and recover.

use std::path::Path;

use crate::common::*;
use ed25519_dalek::SigningKey;
use gsl_vault::format::{self, Policy, Sealed};
use gsl_vault::kdf::KdfParams;
use gsl_vault::secret::{MasterKey, Passphrase, SecretBytes, VaultKey};
use gsl_vault::share::{ShareHeader, render_share_text};
use gsl_vault::vault::slot3::{self, Context, Source};
use gsl_vault::vault::{self, Issued, Offered, Spec, Vault};
use gsl_vault::{crypto, hex};

const FORGED: &str = "forged-master-key-of-the-attacker";

fn master(text: &str) -> MasterKey {
    let mut s = SecretBytes::with_capacity(text.len());
    s.extend(text.as_bytes()).unwrap();
    MasterKey::new(s, "test").unwrap()
}

fn spec(policy: Policy, names: &[&str], t: usize) -> Spec {
    Spec {
        label: "Kraken GSL".into(),
        threshold: t,
        custodians: names.iter().map(|n| n.to_string()).collect(),
        deliveries: vec![],
        policy,
        kdf: KdfParams::new(64 * 1024, 3, 2).unwrap(),
        drill_every: 180 * 86_400,
        now: 1_790_000_000,
    }
}

fn pass() -> Passphrase {
    Passphrase::new(PASS.as_bytes(), "test").unwrap()
}

fn offered(issued: &[Issued], t: usize) -> Vec<Offered> {
    issued
        .iter()
        .take(t)
        .map(|i| Offered {
            source: i.name.clone(),
            code: gsl_vault::share::ShareCode {
                fingerprint: i.code.fingerprint,
                epoch: i.code.epoch,
                point: gsl_vault::shamir::Point {
                    x: i.code.point.x,
                    y: i.code.point.y.clone(),
                },
            },
        })
        .collect()
}

/// A full recovery sheet: 16 recovery codes and a note of about 0.6 KB.
fn recovery_sheet() -> Vec<vault::entries::Entry> {
    let entry = |name: &'static str, text: &str| {
        let mut s = SecretBytes::with_capacity(text.len());
        s.extend(text.as_bytes()).unwrap();
        vault::entries::Entry { name, text: s }
    };
    let codes: String = (0..16)
        .map(|i| format!("{i:02}-ABCD-EFGH-IJKL\n"))
        .collect();
    let note = "Spare YubiKey in the bank box; Kraken support: ask for the GSL reset. ".repeat(8);
    vec![entry("recovery-codes", &codes), entry("note", &note)]
}

fn random32() -> [u8; 32] {
    *VaultKey::random().unwrap().expose()
}

/// Writes `NAME.share` for every issued share, as `init` would.
fn write_shares(dir: &Path, v: &Vault, issued: &[Issued]) {
    for i in issued {
        let fp = v.fingerprint().to_string();
        let h = ShareHeader {
            label: &v.body.label,
            fingerprint: &fp,
            custodian: &i.name,
            index: i.code.point.x,
            count: issued.len(),
            threshold: usize::from(v.body.threshold),
            epoch: u32::from(i.code.epoch),
            date: "2026-12-03",
        };
        std::fs::write(
            dir.join(format!("{}.share", i.name)),
            render_share_text(&h, &i.code),
        )
        .unwrap();
    }
}

/// The padded payload of FORMAT.md: the key's length (u16 BE), the key, zeros to 256 bytes.
fn payload_plain(key: &str) -> Vec<u8> {
    let mut p = (key.len() as u16).to_be_bytes().to_vec();
    p.extend_from_slice(key.as_bytes());
    p.resize(256, 0);
    p
}

/// The key-less forger on format 3: it has the real vault file (everything in it is public to
/// whoever can replace it), never a key. It keeps the vault's name, label and custodians, makes
/// a vault key and a signer per slot of its own, and seals its vault key to the real recipients
/// with the real bindings copied: what format 2's attack did. Returns the file and its VK.
fn forge_v3(real: &Vault) -> (Vec<u8>, VaultKey) {
    let origin = real.name_key();
    let vk1 = VaultKey::random().unwrap();
    let vk2 = VaultKey::random().unwrap();
    let mut body = real.body.clone();
    let kdf = body.kdf.clone();
    let mut signers: Vec<SigningKey> = Vec::new();
    for slot in &mut body.slots {
        let seed = random32();
        let signer = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let aad = crypto::hash_parts(&[
            b"gsl-vault/v3 signer seed",
            &origin,
            slot.kind.as_str().as_bytes(),
            &signer,
        ]);
        let (n, ct) = crypto::seal(&crypto::signer_seed_key(&vk1), &seed, &aad).unwrap();
        let mut dressed = slot.clone();
        dressed.signer = Some(hex::encode(&signer));
        dressed.signer_seed = Some(Sealed {
            nonce: hex::encode(&n),
            ciphertext: hex::encode(&ct),
        });
        let ctx = Context {
            origin: &origin,
            kind: slot.kind,
            epoch: body.epoch,
            kdf: kdf.as_ref(),
        };
        let (s, sk) = slot3::seal(
            &ctx,
            &vk2,
            Source::Kept {
                slot: &dressed,
                old_vk: &vk1,
            },
        )
        .unwrap();
        *slot = s;
        signers.push(sk);
    }
    body.identity = hex::encode(signers[0].verifying_key().as_bytes());
    body.receipts.clear();
    let aad = crypto::hash_parts(&[b"gsl-vault/v3 payload", &origin]);
    let (n, ct) = crypto::seal(&crypto::payload_key(&vk2), &payload_plain(FORGED), &aad).unwrap();
    body.payload = Sealed {
        nonce: hex::encode(&n),
        ciphertext: hex::encode(&ct),
    };
    body.generation = Some(body.generation.unwrap() + 1);
    let refs: Vec<&SigningKey> = signers.iter().collect();
    (format::serialize_v3(&body, false, &refs), vk2)
}

#[test]
fn v3_vaults_of_every_policy_open_by_their_paths_and_write_again() {
    for (policy, t) in [(Policy::Either, 2), (Policy::Both, 2), (Policy::Quorum, 3)] {
        let names = ["alice", "bob", "carol"];
        let p = pass();
        let give = (policy != Policy::Quorum).then_some(&p);
        let (mut v, vk, _qk, issued) =
            vault::create_v3(&spec(policy, &names, t), &master(MASTER), give, "v.vault").unwrap();
        let bytes = v.to_bytes(&vk).unwrap();
        assert!(bytes.starts_with(b"gsl-vault vault v3\n"), "{policy:?}");
        let mut v = Vault::parse(&bytes, "v.vault").unwrap();
        assert_eq!(v.version, 3);
        let pass_arg = (policy == Policy::Both).then_some(&p);
        let out = v
            .unlock_quorum(&offered(&issued, t), Vec::new(), pass_arg)
            .unwrap();
        assert_eq!(v.open_payload(&out.vk).unwrap().expose(), MASTER.as_bytes());
        if policy == Policy::Either {
            let vk = v.unlock_passphrase(&p).unwrap();
            assert_eq!(v.open_payload(&vk).unwrap().expose(), MASTER.as_bytes());
            let wrong = Passphrase::new(b"not the passphrase at all", "t").unwrap();
            assert!(matches!(
                v.unlock_passphrase(&wrong),
                Err(gsl_vault::error::Error::Unlock(_))
            ));
        }
        // A drill receipt, signed by the first slot's signer; the file parses again.
        v.add_receipt(
            &out.vk,
            1_790_000_100,
            vault::ReceiptKind::Quorum,
            out.accepted.clone(),
            vec![],
        );
        let again = Vault::parse(&v.to_bytes(&out.vk).unwrap(), "v.vault").unwrap();
        assert_eq!(again.body.receipts.len(), 1);
        assert_eq!(again.generation(), 2);
    }
}

/// Issue 24, item 1, on format 2 as it is today: the forger seals a vault key of its own to the
/// owner's public passphrase recipient, and the owner's passphrase opens the forger's key.
#[test]
fn v2_keyless_forgery_is_reproduced() {
    let p = pass();
    let (mut real, vk, _, _) = vault::create(
        &spec(Policy::Either, &["alice", "bob", "carol"], 2),
        &master(MASTER),
        Some(&p),
        "v.vault",
    )
    .unwrap();
    let real = Vault::parse(&real.to_bytes(&vk).unwrap(), "v.vault").unwrap();
    // Sealed slots come with the first rotation; the recipient is derived the same way.
    let pk = vault::derive_pk(real.body.kdf.as_ref().unwrap(), &p).unwrap();
    let recipient = crypto::path_public(pk.expose(), "passphrase");
    // The forger knows only `recipient` (public in every rotated file).
    let mut fvk = random32();
    let fvk = VaultKey::from_bytes(&mut fvk);
    let sk = crypto::identity(&fvk);
    let id = sk.verifying_key().to_bytes();
    let kdf = real.body.kdf.clone().unwrap();
    let kdf_string = format!(
        "{}:{}:{}:{}",
        kdf.memory_kib, kdf.iterations, kdf.parallelism, kdf.salt
    );
    let mut body = real.body.clone();
    let pslot_aad = crypto::hash_parts(&[
        b"gsl-vault/v2 slot",
        &id,
        b"passphrase",
        b"",
        kdf_string.as_bytes(),
        &recipient,
    ]);
    let (eph, n, ct) = crypto::seal_to(&recipient, fvk.expose(), &pslot_aad).unwrap();
    body.slots[0].recipient = Some(hex::encode(&recipient));
    body.slots[0].ephemeral = Some(hex::encode(&eph));
    body.slots[0].nonce = hex::encode(&n);
    body.slots[0].ciphertext = hex::encode(&ct);
    let own_q = crypto::path_public(&random32(), "quorum");
    let qaad = crypto::hash_parts(&[
        b"gsl-vault/v2 slot",
        &id,
        b"quorum",
        &1u32.to_be_bytes(),
        b"",
        &own_q,
    ]);
    let (eph, n, ct) = crypto::seal_to(&own_q, fvk.expose(), &qaad).unwrap();
    body.slots[1].recipient = Some(hex::encode(&own_q));
    body.slots[1].ephemeral = Some(hex::encode(&eph));
    body.slots[1].nonce = hex::encode(&n);
    body.slots[1].ciphertext = hex::encode(&ct);
    body.identity = hex::encode(&id);
    body.origin = Some(hex::encode(&id));
    body.copy_authority = None;
    let aad = crypto::hash_parts(&[b"gsl-vault/v1 payload", &id]);
    let (n, ct) = crypto::seal(&crypto::payload_key(&fvk), &payload_plain(FORGED), &aad).unwrap();
    body.payload = Sealed {
        nonce: hex::encode(&n),
        ciphertext: hex::encode(&ct),
    };
    let forged = format::serialize(&body, |m| crypto::sign(&sk, format::FILE_SIG_CONTEXT, m));
    let forged = Vault::parse(&forged, "forged.vault").unwrap();
    let got = forged.unlock_passphrase(&p).unwrap();
    assert_eq!(
        forged.open_payload(&got).unwrap().expose(),
        FORGED.as_bytes(),
        "format 2 shows the forger's key to the owner's passphrase"
    );
}

/// Issue 24, item 1, on format 3, as the owner and the custodians meet it: the binary, a fresh
/// machine (no state), no pin. The passphrase and a quorum both refuse the forged file with
/// exit 5 and one sentence; nothing of the forger's is shown and nothing is written.
#[test]
fn v3_keyless_forgery_is_refused_by_the_passphrase_and_by_a_quorum() {
    let dir = workdir();
    let d = dir.path();
    let p = pass();
    let (mut v, vk, _, issued) = vault::create_v3(
        &spec(Policy::Either, &["alice", "bob", "carol"], 2),
        &master(MASTER),
        Some(&p),
        "real.vault",
    )
    .unwrap();
    std::fs::write(d.join("real.vault"), v.to_bytes(&vk).unwrap()).unwrap();
    let real = Vault::parse(&std::fs::read(d.join("real.vault")).unwrap(), "real.vault").unwrap();
    write_shares(d, &real, &issued);
    let (forged, _) = forge_v3(&real);
    std::fs::write(d.join("forged.vault"), &forged).unwrap();
    // The library refuses it by either path, as a file not of the vault's line.
    let f = Vault::parse(&forged, "forged.vault").unwrap();
    let e = f.unlock_passphrase(&p).err().unwrap();
    assert!(matches!(e, gsl_vault::error::Error::Corrupt(_)), "{e}");
    // (The folder's lock file, which `open` takes today, is not a write of the vault.)
    let files = |d: &Path| -> Vec<_> {
        all_files(d)
            .into_iter()
            .filter(|p| !p.ends_with(".gsl-vault.lock"))
            .collect()
    };
    let before = files(d);
    for line in [
        "open forged.vault --passphrase-file pass.txt",
        "recover forged.vault alice.share bob.share",
        "drill forged.vault alice.share carol.share",
        "drill forged.vault --passphrase --passphrase-file pass.txt",
    ] {
        let o = gsl(d, line);
        assert_eq!(code(&o), 5, "{line}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("was not written by this vault's owner or custodians"),
            "{line}: {err}"
        );
        assert!(
            !stdout(&o).contains(FORGED) && !err.contains(FORGED),
            "{line}"
        );
        assert_eq!(files(d), before, "{line} wrote nothing");
        assert_eq!(std::fs::read(d.join("forged.vault")).unwrap(), forged);
    }
    // The real file opens by both paths in the binary.
    let o = gsl(d, "open real.vault --passphrase-file pass.txt");
    expect_exit(&o, 0);
    assert!(stdout(&o).contains(MASTER));
    let o = gsl(d, "recover real.vault alice.share bob.share");
    expect_exit(&o, 0);
    assert!(stdout(&o).contains(MASTER));
}

/// A format 3 copy: one slot, no history, signed by that slot's signer; it recovers with the
/// shares, in the library and in the binary; a copy made from a forged file is refused by the
/// custodians' own shares.
#[test]
fn v3_copies_recover_and_a_forged_copy_is_refused() {
    let dir = workdir();
    let d = dir.path();
    let names = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    ];
    let (mut v, vk, _, issued) = vault::create_v3(
        &spec(Policy::Quorum, &names, 3),
        &master(MASTER),
        None,
        "v.vault",
    )
    .unwrap();
    let v = Vault::parse(&v.to_bytes(&vk).unwrap(), "v.vault").unwrap();
    write_shares(d, &v, &issued);
    let copy = v.recovery_copy(&vk, None, 1_790_000_200).unwrap();
    assert!(copy.starts_with(b"gsl-vault recovery copy v3\n"));
    // Ten custodians: a few kilobytes, nothing of the vault's history.
    assert!(copy.len() < 12_000, "{} bytes", copy.len());
    let c = Vault::parse_copy(&copy, "copy").unwrap();
    assert!(c.body.slots[0].signer_seed.is_none() && c.body.slots[0].recipient.is_none());
    let out = c
        .unlock_quorum(&offered(&issued, 3), Vec::new(), None)
        .unwrap();
    assert_eq!(c.open_payload(&out.vk).unwrap().expose(), MASTER.as_bytes());
    std::fs::write(d.join("v.copy"), &copy).unwrap();
    let o = gsl(d, "recover --copy v.copy alice.share bob.share carol.share");
    expect_exit(&o, 0);
    assert!(stdout(&o).contains(MASTER), "{}", stdout(&o));

    let (forged, fvk) = forge_v3(&v);
    let fv = Vault::parse(&forged, "forged.vault").unwrap();
    let fcopy = fv.recovery_copy(&fvk, None, 1_790_000_300).unwrap();
    std::fs::write(d.join("forged.copy"), &fcopy).unwrap();
    let o = gsl(
        d,
        "recover --copy forged.copy alice.share bob.share carol.share",
    );
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(!stdout(&o).contains(FORGED));
}

fn signers(v: &Vault) -> Vec<String> {
    v.body
        .slots
        .iter()
        .map(|s| s.signer.clone().unwrap())
        .collect()
}

fn reparse(v: &mut Vault, vk: &VaultKey) -> Vault {
    let bytes = v.to_bytes(vk).unwrap();
    assert!(bytes.starts_with(b"gsl-vault vault v3\n"));
    Vault::parse(&bytes, "v.vault").unwrap()
}

/// A version 3 vault through its lifecycle under policy `either`, in the library: each rotation
/// replaces the signer of every path whose secret it used and keeps the others; the old paths
/// stop opening; a revoking reshare needs the passphrase too, so afterwards both signers are new.
#[test]
fn v3_lifecycle_replaces_the_signers_of_the_paths_it_uses() {
    let p = pass();
    let (mut v, vk, qk, issued) = vault::create_v3(
        &spec(Policy::Either, &["alice", "bob", "carol"], 2),
        &master(MASTER),
        Some(&p),
        "v.vault",
    )
    .unwrap();
    let mut v = reparse(&mut v, &vk);
    let s0 = signers(&v);

    // passwd: a new passphrase signer; the quorum's kept (its secret was not at hand).
    let newp = Passphrase::new(b"another long test-only passphrase", "t").unwrap();
    let vk1 = v
        .change_passphrase(&vk, None, &newp, None, 1_790_000_010)
        .unwrap();
    let mut v1 = reparse(&mut v, &vk1);
    let s1 = signers(&v1);
    assert_ne!(s1[0], s0[0]);
    assert_eq!(s1[1], s0[1]);
    assert!(
        v1.unlock_passphrase(&p).is_err(),
        "the old passphrase is refused"
    );
    let got = v1.unlock_passphrase(&newp).unwrap();
    assert_eq!(v1.open_payload(&got).unwrap().expose(), MASTER.as_bytes());
    let out = v1
        .unlock_quorum(&offered(&issued, 2), Vec::new(), None)
        .unwrap();
    assert_eq!(out.vk.expose(), got.expose());

    // set-secret with the passphrase alone: a new VK, the new key; the old VK reads nothing.
    let (vk2, rotated) = v1
        .set_secret(&got, &master("a-new-master-key"), 1_790_000_020)
        .unwrap();
    assert!(rotated);
    let mut v2 = reparse(&mut v1, &vk2);
    assert!(
        v2.open_payload(&got).is_err(),
        "the old vault key opens nothing now"
    );
    let by_quorum = v2
        .unlock_quorum(&offered(&issued, 2), Vec::new(), None)
        .unwrap();
    assert_eq!(
        v2.open_payload(&by_quorum.vk).unwrap().expose(),
        b"a-new-master-key"
    );

    // A reshare: its confirmation under `either` asks for the passphrase too.
    let names = vec!["dave".to_string(), "erin".to_string(), "frank".to_string()];
    let (new_issued, _new_qk) = v2
        .reshare_begin(&vk2, 2, &names, &[], None, 1_790_000_030)
        .unwrap();
    let mut v3 = reparse(&mut v2, &vk2);
    let e = v3
        .reshare_confirm(&offered(&new_issued, 2), Vec::new(), None, 1_790_000_040)
        .err()
        .unwrap();
    assert!(matches!(e, gsl_vault::error::Error::Needs { .. }), "{e}");
    let (_out, vk4) = v3
        .reshare_confirm(
            &offered(&new_issued, 2),
            Vec::new(),
            Some(&newp),
            1_790_000_040,
        )
        .unwrap();
    let v4 = reparse(&mut v3, &vk4);
    let s4 = signers(&v4);
    assert!(s4[0] != s1[0] && s4[1] != s1[1], "both signers replaced");
    assert!(
        v4.unlock_quorum(&offered(&issued, 2), Vec::new(), None)
            .is_err()
    );
    let o = v4
        .unlock_quorum(&offered(&new_issued, 2), Vec::new(), None)
        .unwrap();
    assert_eq!(
        v4.open_payload(&o.vk).unwrap().expose(),
        b"a-new-master-key"
    );
    let _ = qk;
}

/// Issue 24, item 3: a copy carries no history. After 256 rotations a copy of a 10-custodian
/// vault with a recovery sheet is as large as after one, and prints as a few QR parts.
#[test]
fn v3_copies_do_not_grow_with_rotations() {
    let names: Vec<String> = (0..10).map(|i| format!("custodian{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (mut v, mut vk, _, issued) = vault::create_v3(
        &spec(Policy::Quorum, &refs, 3),
        &master(MASTER),
        None,
        "v.vault",
    )
    .unwrap();
    let (vk1, _) = v
        .set_secret_entries(&vk, &master(MASTER), recovery_sheet(), 1_790_000_001)
        .unwrap();
    vk = vk1;
    let first = v.recovery_copy(&vk, None, 1_790_000_002).unwrap().len();
    for i in 0..256u64 {
        let (next, rotated) = v
            .set_secret_entries(&vk, &master(MASTER), Vec::new(), 1_790_000_100 + i)
            .unwrap();
        assert!(rotated);
        vk = next;
    }
    let v = reparse(&mut v, &vk);
    let copy = v.recovery_copy(&vk, None, 1_790_100_000).unwrap();
    assert!(
        copy.len() <= first + 8,
        "after 256 rotations: {} bytes, first {}",
        copy.len(),
        first
    );
    let parts = gsl_vault::copy::qr_parts(&copy);
    assert!(parts.len() <= 6, "{} QR parts", parts.len());
    let back = gsl_vault::copy::find(
        parts
            .iter()
            .rev()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    )
    .unwrap()
    .unwrap();
    let c = Vault::parse_copy(&back, "parts").unwrap();
    let out = c
        .unlock_quorum(&offered(&issued, 3), Vec::new(), None)
        .unwrap();
    assert_eq!(c.open_payload(&out.vk).unwrap().expose(), MASTER.as_bytes());
}

/// FORMAT.md, "Reading versions 1 and 2 after version 3": a machine that has written version 3
/// of a vault refuses a version 2 file of it (anyone holding an old copy could have written
/// one); a version 3 file is remembered as such when this machine writes it.
#[test]
fn a_version_2_file_is_refused_where_version_3_was_written() {
    let dir = workdir();
    let d = dir.path();
    init_v2(d, "v.vault", 2, &["alice", "bob", "carol"], "either");
    let v = Vault::parse(&std::fs::read(d.join("v.vault")).unwrap(), "v.vault").unwrap();
    assert_eq!(v.version, 2);
    let state = state_home(d).join("gsl-vault");
    let file = state.join(format!("seen-{}", hex::encode(&v.name_key()[..16])));
    let line = std::fs::read_to_string(&file).unwrap();
    assert!(line.trim_end().ends_with(" 2"), "{line}");
    // As if this machine had since written version 3 of the same vault.
    std::fs::write(&file, format!("{} {} 3\n", v.generation(), "ab".repeat(32))).unwrap();
    let o = gsl(d, "open v.vault --passphrase-file pass.txt");
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(stderr(&o).contains("this machine has written version 3 of this vault"));
    assert!(!stdout(&o).contains(MASTER));

    // A version 3 vault written by the binary (a drill's receipt) is remembered as version 3.
    let (mut v3, vk, _, issued) = vault::create_v3(
        &spec(Policy::Quorum, &["alice", "bob", "carol"], 2),
        &master(MASTER),
        None,
        "w.vault",
    )
    .unwrap();
    let w = d.join("w");
    std::fs::create_dir(&w).unwrap();
    std::fs::write(w.join("w.vault"), v3.to_bytes(&vk).unwrap()).unwrap();
    let v3 = Vault::parse(&std::fs::read(w.join("w.vault")).unwrap(), "w.vault").unwrap();
    write_shares(&w, &v3, &issued);
    let o = gsl(&w, "drill w.vault alice.share bob.share");
    expect_exit(&o, 0);
    let after = Vault::parse(&std::fs::read(w.join("w.vault")).unwrap(), "w.vault").unwrap();
    assert_eq!((after.version, after.body.receipts.len()), (3, 1));
    let seen = state_home(&w)
        .join("gsl-vault")
        .join(format!("seen-{}", hex::encode(&after.name_key()[..16])));
    let line = std::fs::read_to_string(seen).unwrap();
    assert!(line.trim_end().ends_with(" 3"), "{line}");
}

/// Issue 24, item 3, as custodians meet it: a 10-custodian vault with a recovery sheet, after
/// 256 rotations; `copies` (the owner, with the passphrase alone) prints page 2 as a few QR
/// codes marked "part i of n"; each is rendered and decoded by zbar; the decoded texts, in
/// shuffled order in one file, recover the key with three shares and no vault file.
#[test]
fn v3_copies_print_as_parts_that_recover_after_256_rotations() {
    if !have_tool("rsvg-convert", "--version", "librsvg2-bin")
        || !have_tool("zbarimg", "--version", "zbar-tools")
    {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    let names: Vec<String> = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let p = pass();
    let (mut v, mut vk, _, issued) = vault::create_v3(
        &spec(Policy::Either, &refs, 3),
        &master(MASTER),
        Some(&p),
        "v.vault",
    )
    .unwrap();
    vk = v
        .set_secret_entries(&vk, &master(MASTER), recovery_sheet(), 1_790_000_001)
        .unwrap()
        .0;
    for i in 0..255u64 {
        vk = v
            .set_secret_entries(&vk, &master(MASTER), Vec::new(), 1_790_000_100 + i)
            .unwrap()
            .0;
    }
    std::fs::write(d.join("v.vault"), v.to_bytes(&vk).unwrap()).unwrap();
    let v = Vault::parse(&std::fs::read(d.join("v.vault")).unwrap(), "v.vault").unwrap();
    write_shares(d, &v, &issued);
    let o = gsl(d, "copies v.vault --passphrase-file pass.txt -o out");
    expect_exit(&o, 0);
    let html = std::fs::read_to_string(d.join("out/alice-copy.html")).unwrap();
    let svgs = svgs_of(&html);
    assert!(
        (2..=6).contains(&svgs.len()),
        "{} QR parts on page 2",
        svgs.len()
    );
    let n = svgs.len();
    for i in 1..=n {
        assert!(html.contains(&format!("Part {i} of {n} &middot; vault Kraken GSL")));
    }
    // Printed by Chromium on A4 and on Letter, page 2 is one sheet.
    if have_tool("chromium", "--version", "chromium") {
        for size in ["A4", "Letter"] {
            assert_eq!(printed_sheets(d, &html, size), 1, "page 2 on {size}");
        }
    }
    let mut texts: Vec<String> = svgs.iter().map(|s| scan(d, s, "1400")).collect();
    assert!(texts.iter().all(|t| t.starts_with("GSLC3:")));
    texts.reverse();
    texts.swap(0, n / 2);
    // The vault file is gone: only paper is left.
    std::fs::remove_file(d.join("v.vault")).unwrap();
    std::fs::write(d.join("scanned.txt"), texts.join("\n") + "\n").unwrap();
    let o = gsl(
        d,
        "recover --copy scanned.txt alice.share erin.share judy.share",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o).trim_end(), MASTER);
    // One file per scanned code, named in another order still.
    let mut line = String::from("recover");
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(d.join(format!("scan-{i}.txt")), format!("{t}\n")).unwrap();
    }
    for i in (0..n).rev() {
        line.push_str(&format!(" --copy scan-{i}.txt"));
    }
    line.push_str(" alice.share erin.share judy.share");
    let o = gsl(d, &line);
    expect_exit(&o, 0);
    assert_eq!(stdout(&o).trim_end(), MASTER);
    // A part missing: one sentence that names the missing part, exit 5.
    let o = gsl(
        d,
        "recover --copy scan-0.txt --copy scan-1.txt alice.share erin.share judy.share",
    );
    assert_eq!(code(&o), 5, "exit {}: {}", code(&o), stderr(&o));
    assert!(stderr(&o).contains("lacks some"), "{}", stderr(&o));
}

/// `init` accepts up to 255 custodians: a format 3 copy of such a vault, with a recovery sheet,
/// is cut into QR parts that read back and recover.
#[test]
fn v3_copies_of_255_custodians_read_back_from_parts() {
    let names: Vec<String> = (0..255).map(|i| format!("custodian{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (mut v, vk, _, issued) = vault::create_v3(
        &spec(Policy::Quorum, &refs, 2),
        &master(MASTER),
        None,
        "v.vault",
    )
    .unwrap();
    let v = reparse(&mut v, &vk);
    let copy = v.recovery_copy(&vk, None, 1_790_000_200).unwrap();
    let parts = gsl_vault::copy::qr_parts(&copy);
    assert!(parts.len() <= gsl_vault::copy::MAX_QR_PARTS);
    let mut shuffled = parts.clone();
    shuffled.rotate_left(parts.len() / 3);
    let back = gsl_vault::copy::find(shuffled.join(" ").as_bytes())
        .unwrap()
        .unwrap();
    let c = Vault::parse_copy(&back, "parts").unwrap();
    let out = c
        .unlock_quorum(&offered(&issued, 2), Vec::new(), None)
        .unwrap();
    assert_eq!(c.open_payload(&out.vk).unwrap().expose(), MASTER.as_bytes());
}

/// A forger who never held VK takes a real vault with a reshare pending, keeps its pending slot
/// (which the new custodians' shares open, to the real VK) and puts a slot and signer of its own
/// beside it, under policy `quorum`. Confirming the reshare with the new shares refuses it: every
/// signer of a vault file must open under the VK found.
#[test]
fn a_forged_file_around_a_real_pending_slot_is_refused() {
    let p = pass();
    let (mut v, vk, _, _) = vault::create_v3(
        &spec(Policy::Either, &["alice", "bob", "carol"], 2),
        &master(MASTER),
        Some(&p),
        "v.vault",
    )
    .unwrap();
    let names = vec!["dave".to_string(), "erin".to_string(), "frank".to_string()];
    let (new_issued, _) = v
        .reshare_begin(&vk, 2, &names, &[], None, 1_790_000_030)
        .unwrap();
    let real = reparse(&mut v, &vk);
    // The forger's own slot and signer (a vault of its own making).
    let (mut own, own_vk, _, _) = vault::create_v3(
        &spec(Policy::Quorum, &["x", "y"], 2),
        &master(FORGED),
        None,
        "own.vault",
    )
    .unwrap();
    let own = reparse(&mut own, &own_vk);
    let own_origin = own.name_key();
    let own_slot = own.body.slots[0].clone();
    let sk = slot3::signer_of(
        &Context {
            origin: &own_origin,
            kind: own_slot.kind,
            epoch: 1,
            kdf: None,
        },
        &own_slot,
        &own_vk,
    )
    .unwrap();
    let mut body = real.body.clone();
    body.policy = Policy::Quorum;
    body.kdf = None;
    body.slots = vec![own_slot];
    body.identity = hex::encode(sk.verifying_key().as_bytes());
    body.receipts.clear();
    let forged = format::serialize_v3(&body, false, &[&sk]);
    let mut f = Vault::parse(&forged, "forged.vault").unwrap();
    let e = f
        .reshare_confirm(&offered(&new_issued, 2), Vec::new(), None, 1_790_000_040)
        .err()
        .unwrap();
    assert!(
        e.to_string()
            .contains("was not written by this vault's owner or custodians"),
        "{e}"
    );
    // The real file confirms with the same shares (and the passphrase, under `either`).
    let mut real = real;
    assert!(
        real.reshare_confirm(
            &offered(&new_issued, 2),
            Vec::new(),
            Some(&p),
            1_790_000_040
        )
        .is_ok()
    );
}

/// Under policy `quorum`, `set-secret` with the shares renews the quorum path's signer.
#[test]
fn set_secret_with_shares_renews_the_quorum_signer() {
    let (mut v, vk, qk, issued) = vault::create_v3(
        &spec(Policy::Quorum, &["alice", "bob", "carol"], 2),
        &master(MASTER),
        None,
        "v.vault",
    )
    .unwrap();
    let mut v = reparse(&mut v, &vk);
    let before = signers(&v);
    let (vk2, rotated) = v
        .set_secret_with(
            &vk,
            &master("new"),
            Vec::new(),
            Some(&qk),
            None,
            1_790_000_050,
        )
        .unwrap();
    assert!(rotated);
    let v2 = reparse(&mut v, &vk2);
    assert_ne!(signers(&v2), before);
    let out = v2
        .unlock_quorum(&offered(&issued, 2), Vec::new(), None)
        .unwrap();
    assert_eq!(v2.open_payload(&out.vk).unwrap().expose(), b"new");
}

/// The command line on a format 3 vault, from `init --format 3` on, as an owner and custodians
/// meet it: drill, passwd, set-secret, a reshare (its confirmation asks for the passphrase too),
/// copies, recovery from the share files alone, status. Every write stays format 3.
#[test]
fn the_command_line_keeps_a_format_3_vault_alive() {
    let dir = workdir();
    let d = dir.path();
    let o = gsl(
        d,
        "init v.vault --format 3 -t 2 --custodian alice --custodian bob --custodian carol --secret-file master.txt --passphrase-file pass.txt --kdf-memory 64 --kdf-iterations 3 --kdf-parallelism 2",
    );
    expect_exit(&o, 0);
    let version = |d: &Path| {
        Vault::parse(&std::fs::read(d.join("v.vault")).unwrap(), "v")
            .unwrap()
            .version
    };
    assert_eq!(version(d), 3);
    expect_exit(&gsl(d, "drill v.vault alice.share bob.share"), 0);
    expect_exit(
        &gsl(d, "drill v.vault --passphrase --passphrase-file pass.txt"),
        0,
    );
    // A new passphrase.
    std::fs::write(
        d.join("new-pass.txt"),
        "another long test-only passphrase words\n",
    )
    .unwrap();
    let o = gsl(
        d,
        "passwd v.vault --passphrase-file pass.txt --new-passphrase-file new-pass.txt",
    );
    expect_exit(&o, 0);
    assert_eq!(version(d), 3);
    let o = gsl(d, "open v.vault --passphrase-file pass.txt");
    assert_eq!(code(&o), 4, "the old passphrase is refused: {}", stderr(&o));
    // A new master key, with the new passphrase alone.
    std::fs::write(
        d.join("new-master.txt"),
        "the-new-master-key-after-a-change\n",
    )
    .unwrap();
    let o = gsl(
        d,
        "set-secret v.vault --passphrase-file new-pass.txt --secret-file new-master.txt",
    );
    expect_exit(&o, 0);
    // A reshare to new custodians; the confirmation needs the passphrase under `either`.
    let o = gsl(
        d,
        "reshare v.vault --passphrase-file new-pass.txt -t 2 --custodian dave --custodian erin --custodian frank --shares-dir new",
    );
    expect_exit(&o, 0);
    let o = gsl(
        d,
        "reshare v.vault --confirm new/dave.share new/erin.share --passphrase-file new-pass.txt",
    );
    expect_exit(&o, 0);
    assert_eq!(version(d), 3);
    let o = gsl(d, "recover v.vault alice.share bob.share");
    assert_ne!(code(&o), 0, "the retired shares open nothing");
    // Fresh copies with the passphrase alone; the new share files recover without the vault.
    let o = gsl(d, "copies v.vault --passphrase-file new-pass.txt -o copies");
    expect_exit(&o, 0);
    std::fs::rename(d.join("v.vault"), d.join("kept.vault")).unwrap();
    let o = gsl(d, "recover new/erin.share new/frank.share");
    expect_exit(&o, 0);
    assert_eq!(stdout(&o).trim_end(), "the-new-master-key-after-a-change");
    let o = gsl(
        d,
        "recover --copy copies/dave.copy new/dave.share new/frank.share",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o).trim_end(), "the-new-master-key-after-a-change");
    let o = gsl(d, "status kept.vault --json");
    expect_exit(&o, 0);
}

/// Issue 26's paper-only custodians, on format 3: `init --format 3 --kit`; the vault file and
/// share files are deleted; two custodians' printed kits are all that is left. Each page 1 QR
/// code and every page 2 part is rendered and decoded by zbar; the parts of one kit, in reverse
/// order, and the two shares recover the key.
#[test]
fn two_printed_format_3_kits_recover_without_the_vault_file() {
    if !have_tool("rsvg-convert", "--version", "librsvg2-bin")
        || !have_tool("zbarimg", "--version", "zbar-tools")
    {
        return;
    }
    let dir = workdir();
    let d = dir.path();
    let o = gsl(
        d,
        "init v.vault --format 3 -t 2 --custodian alice --custodian bob --custodian carol --secret-file master.txt --policy quorum --kit",
    );
    expect_exit(&o, 0);
    for f in ["v.vault", "alice.share", "bob.share", "carol.share"] {
        std::fs::remove_file(d.join(f)).unwrap();
    }
    let mut parts = Vec::new();
    for name in ["alice", "carol"] {
        let html = std::fs::read_to_string(d.join(format!("{name}.html"))).unwrap();
        let svgs = svgs_of(&html);
        assert!(svgs.len() >= 2, "a share QR code and page 2's parts");
        std::fs::write(
            d.join(format!("scanned-{name}.txt")),
            scan(d, svgs[0], "480"),
        )
        .unwrap();
        if name == "alice" {
            parts = svgs[1..].iter().map(|s| scan(d, s, "1400")).collect();
        }
    }
    assert!(parts.iter().all(|p| p.starts_with("GSLC3:")), "{parts:?}");
    parts.reverse();
    std::fs::write(d.join("scanned-copy.txt"), parts.join("\n") + "\n").unwrap();
    let o = gsl(
        d,
        "recover --copy scanned-copy.txt scanned-alice.txt scanned-carol.txt",
    );
    expect_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{MASTER}\n"));
}

/// An independent review of FORMAT.md found that a binding stays valid while its path's secret
/// does: someone who held VK before a reshare (a retired quorum that opened the vault file)
/// keeps that time's signers, and can write a newer-looking file that the owner's unchanged
/// passphrase opens. The owner's machine refuses it: it trusts the signers it wrote last.
#[test]
fn a_file_rewritten_with_old_signers_is_refused_on_the_owners_machine() {
    let dir = workdir();
    let d = dir.path();
    init(d, "v.vault", 2, &["alice", "bob", "carol"], "either");
    // The attacker's moment: a vault file, and the VK a quorum of that time opened.
    let old = std::fs::read(d.join("v.vault")).unwrap();
    let mut v0 = Vault::parse(&old, "v.vault").unwrap();
    let vk0 = v0.unlock_passphrase(&pass()).unwrap();
    // The owner reshares (the passphrase does not change).
    let o = gsl(
        d,
        "reshare v.vault --passphrase-file pass.txt -t 2 --custodian dave --custodian erin --shares-dir new",
    );
    expect_exit(&o, 0);
    let o = gsl(
        d,
        "reshare v.vault --confirm new/dave.share new/erin.share --passphrase-file pass.txt",
    );
    expect_exit(&o, 0);
    // The attacker rewrites the old file with the old signers, a key of its own and a
    // generation far ahead, and puts it in place.
    let (vk1, _) = v0.set_secret(&vk0, &master(FORGED), 1_790_000_500).unwrap();
    v0.body.generation = Some(1_000_000);
    std::fs::write(d.join("v.vault"), v0.to_bytes(&vk1).unwrap()).unwrap();
    let o = gsl(d, "open v.vault --passphrase-file pass.txt");
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("signed by other keys"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains(FORGED));
}

/// The committed format 1 and 2 vaults, on a machine that never saw them: opening one warns,
/// before the key, that such a file cannot be told from a forgery; a change made with one secret
/// keeps the format and says how to upgrade; the first change with every secret upgrades it to
/// format 3 (same fingerprint, every copy stale), after which this machine refuses the format 2
/// file, and the new passphrase, the shares and fresh format 3 copies all recover.
#[test]
fn format_1_and_2_vaults_upgrade_to_format_3_at_the_first_change_with_every_secret() {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for old in ["v1", "v2"] {
        let dir = workdir();
        let d = dir.path();
        let copy = |from: String, to: &str| {
            std::fs::copy(vectors.join(from), d.join(to)).unwrap();
        };
        copy(format!("{old}-either.vault"), "v.vault");
        for n in ["alice", "bob", "carol"] {
            copy(format!("{old}-either-{n}.share"), &format!("{n}.share"));
        }
        copy(format!("{old}.passphrase"), "old-pass.txt");
        let key = std::fs::read_to_string(vectors.join(format!("{old}.master"))).unwrap();
        let header = |d: &Path| {
            let text = std::fs::read_to_string(d.join("v.vault")).unwrap();
            text.lines().next().unwrap().to_string()
        };
        let fingerprint = |d: &Path| {
            let o = gsl(d, "status v.vault --json");
            let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            j["fingerprint"].as_str().unwrap().to_string()
        };
        let name = fingerprint(d);

        let o = gsl(d, "open v.vault --passphrase-file old-pass.txt");
        expect_exit(&o, 0);
        assert_eq!(stdout(&o).trim_end(), key.trim_end());
        assert!(
            stderr(&o).contains("which anyone can imitate") && stderr(&o).contains(&name),
            "{old}: {}",
            stderr(&o)
        );
        // The 8-character name alone does not silence it (a look-alike keeps the name); the
        // long pin does.
        let o = gsl(
            d,
            &format!("--expect-fingerprint {name} open v.vault --passphrase-file old-pass.txt"),
        );
        expect_exit(&o, 0);
        assert!(stderr(&o).contains("imitate"), "{}", stderr(&o));
        let pin = {
            let o = gsl(d, "status v.vault --json");
            let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            j["pin"].as_str().unwrap().to_string()
        };
        let o = gsl(
            d,
            &format!("--expect-fingerprint {pin} open v.vault --passphrase-file old-pass.txt"),
        );
        expect_exit(&o, 0);
        assert!(!stderr(&o).contains("imitate"), "{}", stderr(&o));
        // A failure says one sentence, without the warning.
        let o = gsl(
            d,
            "open v.vault --passphrase-file old-pass.txt --entry recovery-codes",
        );
        expect_exit(&o, 2);
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));

        // The passphrase alone: the format stays, and the command says how to upgrade.
        std::fs::write(d.join("m2.txt"), "a-second-master-key-for-upgrade\n").unwrap();
        let o = gsl(
            d,
            "set-secret v.vault --passphrase-file old-pass.txt --secret-file m2.txt",
        );
        expect_exit(&o, 0);
        assert_eq!(header(d), "gsl-vault vault v2", "{old}");
        assert!(stderr(&o).contains("is still format 2"), "{}", stderr(&o));
        let before = std::fs::read(d.join("v.vault")).unwrap();

        // A new passphrase authorised by a quorum: every secret is at hand.
        std::fs::write(
            d.join("new-pass.txt"),
            "a new passphrase for format three\n",
        )
        .unwrap();
        let o = gsl(
            d,
            "passwd v.vault alice.share carol.share --new-passphrase-file new-pass.txt",
        );
        expect_exit(&o, 0);
        assert_eq!(header(d), "gsl-vault vault v3", "{old}");
        assert!(
            stderr(&o).contains("upgraded to format 3"),
            "{}",
            stderr(&o)
        );
        assert_eq!(fingerprint(d), name, "the vault keeps its name");
        // Format 3's recipients come from the secrets, never equal to or holding a format 2 one.
        let recipients = |bytes: &[u8]| -> Vec<String> {
            let v = Vault::parse(bytes, "v").unwrap();
            v.body
                .slots
                .iter()
                .filter_map(|s| s.recipient.clone())
                .collect()
        };
        let v2_recipients = recipients(&before);
        let v3_recipients = recipients(&std::fs::read(d.join("v.vault")).unwrap());
        assert_eq!(v3_recipients.len(), 2);
        for r2 in &v2_recipients {
            assert!(v3_recipients.iter().all(|r3| !r3.contains(r2.as_str())));
        }
        let stale = |d: &Path| {
            let o = gsl(d, "status v.vault --json");
            let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            j["stale_copies"].as_array().unwrap().len()
        };
        assert_eq!(stale(d), 3, "every copy is stale");

        // Both paths open it; the old passphrase does not.
        let o = gsl(d, "open v.vault --passphrase-file new-pass.txt");
        expect_exit(&o, 0);
        assert_eq!(stdout(&o).trim_end(), "a-second-master-key-for-upgrade");
        assert!(!stderr(&o).contains("imitate"));
        let o = gsl(d, "open v.vault --passphrase-file old-pass.txt");
        assert_eq!(code(&o), 4, "{}", stderr(&o));
        let o = gsl(d, "recover v.vault bob.share carol.share");
        expect_exit(&o, 0);
        assert_eq!(stdout(&o).trim_end(), "a-second-master-key-for-upgrade");

        // The format 2 file of before is refused on this machine now.
        std::fs::write(d.join("old.vault"), &before).unwrap();
        let o = gsl(d, "open old.vault --passphrase-file old-pass.txt");
        assert_eq!(code(&o), 5, "{}", stderr(&o));
        assert!(stdout(&o).is_empty());

        // Fresh format 3 copies recover without the vault file.
        let o = gsl(d, "copies v.vault --passphrase-file new-pass.txt -o out");
        expect_exit(&o, 0);
        assert_eq!(stale(d), 0);
        std::fs::remove_file(d.join("v.vault")).unwrap();
        let o = gsl(d, "recover --copy out/bob.copy alice.share bob.share");
        expect_exit(&o, 0);
        assert_eq!(stdout(&o).trim_end(), "a-second-master-key-for-upgrade");
    }
}

/// Policies `quorum` and `both` upgrade too: `set-secret` with a quorum (and, under `both`, the
/// passphrase, which it needs anyway).
#[test]
fn format_2_vaults_of_policy_quorum_and_both_upgrade_at_set_secret() {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for policy in ["quorum", "both"] {
        let dir = workdir();
        let d = dir.path();
        std::fs::copy(
            vectors.join(format!("v2-{policy}.vault")),
            d.join("v.vault"),
        )
        .unwrap();
        for n in ["alice", "bob", "carol"] {
            std::fs::copy(
                vectors.join(format!("v2-{policy}-{n}.share")),
                d.join(format!("{n}.share")),
            )
            .unwrap();
        }
        std::fs::copy(vectors.join("v2.passphrase"), d.join("pass.txt")).unwrap();
        std::fs::write(d.join("m2.txt"), "a-second-master-key-for-upgrade\n").unwrap();
        let o = gsl(
            d,
            "set-secret v.vault alice.share bob.share --passphrase-file pass.txt --secret-file m2.txt",
        );
        expect_exit(&o, 0);
        let v = Vault::parse(&std::fs::read(d.join("v.vault")).unwrap(), "v").unwrap();
        assert_eq!(v.version, 3, "{policy}: {}", stderr(&o));
        let line = if policy == "both" {
            "recover v.vault bob.share carol.share --passphrase-file pass.txt"
        } else {
            "recover v.vault bob.share carol.share"
        };
        let o = gsl(d, line);
        expect_exit(&o, 0);
        assert_eq!(stdout(&o).trim_end(), "a-second-master-key-for-upgrade");
    }
}

/// Issue 24, item 4: under policy `both`, `passwd` makes every copy stale (format 2 said they
/// were current, and custodians with the new passphrase got exit 4). After it, `status` names
/// them; the stale copies in the share files need the old passphrase; fresh copies open with the
/// new passphrase and a quorum, and the old passphrase opens none of them.
#[test]
fn under_policy_both_passwd_makes_every_copy_stale_until_fresh_ones_are_issued() {
    for init_fn in [init, init_v2] {
        let dir = workdir();
        let d = dir.path();
        expect_exit(&init_fn(d, "v.vault", 2, &NAMES[..3], "both"), 0);
        std::fs::write(
            d.join("new-pass.txt"),
            "a new passphrase for the both policy\n",
        )
        .unwrap();
        let o = gsl(
            d,
            "passwd v.vault alice.share bob.share --passphrase-file pass.txt --new-passphrase-file new-pass.txt",
        );
        expect_exit(&o, 0);
        let o = gsl(d, "status v.vault");
        assert!(stdout(&o).contains("STALE"), "{}", stdout(&o));
        let o = gsl(
            d,
            "copies v.vault alice.share bob.share --passphrase-file new-pass.txt -o fresh",
        );
        expect_exit(&o, 0);
        let o = gsl(d, "status v.vault");
        assert!(
            stdout(&o).contains("every custodian holds a current recovery copy"),
            "{}",
            stdout(&o)
        );
        std::fs::rename(d.join("v.vault"), d.join("kept.vault")).unwrap();
        let o = gsl(
            d,
            "recover --copy fresh/carol.copy bob.share carol.share --passphrase-file new-pass.txt",
        );
        expect_exit(&o, 0);
        assert_eq!(stdout(&o).trim_end(), MASTER);
        let o = gsl(
            d,
            "recover --copy fresh/carol.copy bob.share carol.share --passphrase-file pass.txt",
        );
        assert_eq!(code(&o), 4, "the old passphrase opens no fresh copy");
        assert!(stdout(&o).is_empty());
    }
}
