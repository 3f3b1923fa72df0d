//! Regenerates the test vectors in tests/vectors/ that FORMAT.md describes:
//! `cargo run --example vectors -- tests/vectors`.
//!
//! The deterministic vectors (share encoding, key derivations, commitments) are computed from
//! fixed inputs; the sample vault is made by the real `create` with a fixed master key,
//! passphrase and custodians (its nonces and keys are fresh each time, which is why the tests
//! check that it opens rather than its bytes).

use std::path::PathBuf;

use gsl_vault::copy::armor;
use gsl_vault::format::Policy;
use gsl_vault::kdf::KdfParams;
use gsl_vault::secret::{MasterKey, PassKey, Passphrase, QuorumKey, SecretBytes, VaultKey};
use gsl_vault::shamir::Point;
use gsl_vault::share::{ShareCode, ShareHeader, render_share_text};
use gsl_vault::vault::{self, Spec};
use gsl_vault::{crypto, hex};
use serde_json::json;

fn bytes32(seed: u8) -> [u8; 32] {
    std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 7))
}

/// Two issued shares, offered as a custodian would.
/// A remote share proof of the share (epoch 3, x = 2, y) of the vault named by `identity`,
/// dated 1 790 000 000 (Ed25519 is deterministic, so the signature is a vector too).
fn share_proof_vector(identity: &[u8; 32], y: &[u8; 32]) -> serde_json::Value {
    let code = gsl_vault::share::ShareCode {
        fingerprint: vault::fingerprint_of(identity).0,
        epoch: 3,
        point: gsl_vault::shamir::Point {
            x: 2,
            y: zeroize::Zeroizing::new(*y),
        },
    };
    let p = gsl_vault::proof::prove(&code, Some("bob"), 1_790_000_000);
    json!({
        "fingerprint": hex::encode(&code.fingerprint), "epoch": 3, "x": 2, "y": hex::encode(y),
        "proof_public": hex::encode(&gsl_vault::proof::proof_public(&code)),
        "at": 1_790_000_000u64, "signature": hex::encode(&p.signature), "text": p.to_text(),
    })
}

fn offer(issued: &[vault::Issued]) -> Vec<vault::Offered> {
    issued
        .iter()
        .map(|i| vault::Offered {
            source: i.name.clone(),
            code: ShareCode {
                fingerprint: i.code.fingerprint,
                epoch: i.code.epoch,
                point: Point {
                    x: i.code.point.x,
                    y: i.code.point.y.clone(),
                },
            },
        })
        .collect()
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "tests/vectors".into()),
    );
    std::fs::create_dir_all(&dir).expect("create the vectors folder");
    v3_slot_vector(&dir);

    let shares: Vec<_> = [
        ([0u8, 0, 0, 0, 0], 1u16, 1u8, 0u8),
        ([0xde, 0xad, 0xbe, 0xef, 0x01], 7, 200, 5),
        ([0xff; 5], 65535, 255, 9),
    ]
    .iter()
    .map(|&(fp, epoch, x, seed)| {
        let y = bytes32(seed);
        let code = ShareCode {
            fingerprint: fp,
            epoch,
            point: Point {
                x,
                y: zeroize::Zeroizing::new(y),
            },
        };
        json!({
            "fingerprint": hex::encode(&fp), "epoch": epoch, "x": x, "y": hex::encode(&y),
            "words": code.to_mnemonic().to_string(), "compact": code.to_compact().to_string(),
        })
    })
    .collect();

    let derivations: Vec<_> = [1u8, 2, 3]
        .iter()
        .map(|&seed| {
            let mut vk_bytes = bytes32(seed);
            let vk_hex = hex::encode(&vk_bytes);
            let vk = VaultKey::from_bytes(&mut vk_bytes);
            let identity = crypto::identity(&vk).verifying_key().to_bytes();
            let y = bytes32(seed + 100);
            let mut q = bytes32(seed + 50);
            let mut p = bytes32(seed + 60);
            let (q_hex, p_hex) = (hex::encode(&q), hex::encode(&p));
            let both = crypto::both_key(&QuorumKey::from_bytes(&mut q), &PassKey::from_bytes(&mut p));
            json!({
                "vault_key": vk_hex,
                "identity": hex::encode(&identity),
                "fingerprint": vault::fingerprint_of(&identity).to_string(),
                "commitment": {"epoch": 3, "x": 2, "y": hex::encode(&y),
                               "hash": hex::encode(&crypto::share_commitment(&identity, 3, 2, &y))},
                "both": {"quorum_key": q_hex, "pass_key": p_hex, "wrap_key": hex::encode(both.expose())},
                "long_fingerprint": vault::long_fingerprint_of(&identity),
                "paths": {
                    "passphrase": hex::encode(&crypto::path_public(&bytes32(seed + 60), "passphrase")),
                    "quorum": hex::encode(&crypto::path_public(&bytes32(seed + 50), "quorum")),
                    "both": hex::encode(&crypto::path_public(both.expose(), "both")),
                },
                "rotation_statement": {"to": hex::encode(&bytes32(seed + 70)), "at": 1_790_000_000u64, "generation": 5,
                    "hash": hex::encode(&crypto::rotation_statement(&identity, &bytes32(seed + 70), 1_790_000_000, 5))},
                "copy_authority": {"quorum_key": q_hex, "name_key": hex::encode(&identity), "epoch": 3,
                    "public": hex::encode(&bytes32(seed + 80)),
                    "certificate": hex::encode(&crypto::authority_certificate(
                        &QuorumKey::from_bytes(&mut bytes32(seed + 50)), &identity, 3, &bytes32(seed + 80)))},
                "share_proof": share_proof_vector(&identity, &y),
            })
        })
        .collect();

    let kdf = KdfParams::new(64 * 1024, 3, 1).unwrap();
    let salt = b"gsl-vault vector salt, 32 bytes!";
    let pass = Passphrase::new("correct horse battery staple".as_bytes(), "vector").unwrap();
    let pk = gsl_vault::kdf::derive(&kdf, &pass, salt).unwrap();
    let kdf_vector = json!({
        "passphrase": "correct horse battery staple", "salt": hex::encode(salt),
        "memory_kib": kdf.memory_kib(), "iterations": kdf.iterations(), "parallelism": kdf.parallelism(),
        "key": hex::encode(pk.expose()),
    });

    let all = json!({"share_codes": shares, "derivations": derivations, "argon2id": kdf_vector});
    // format-v1.json stays as committed (its derivations are unchanged in version 2); this file
    // adds version 2's: path public keys, the long fingerprint, the rotation statement.
    std::fs::write(
        dir.join("format-v2.json"),
        serde_json::to_string_pretty(&all).unwrap() + "\n",
    )
    .unwrap();

    // A sample vault of each policy, with its shares: every later version must open them. The v1
    // samples are kept as committed; these are version 2, each rotated once (a passphrase change
    // to the same passphrase, or a policy round trip for quorum) so its lineage is exercised.
    let master_text = "KRAKEN-GSL-vector-master-key 0123456789";
    write_policy_samples(&dir, 2, kdf, &pass, master_text);
    let pass3 = Passphrase::new(V3_PASSPHRASE.as_bytes(), "vector").unwrap();
    write_policy_samples(&dir, 3, kdf, &pass3, master_text);
    write_totp_sample(&dir, kdf, &pass3);
    write_authority_sample(&dir, kdf, &pass);
    write_cancelled_sample(&dir);
    write_sheet_sample(&dir);
    std::fs::write(dir.join("v2.passphrase"), "correct horse battery staple\n").unwrap();
    std::fs::write(dir.join("v2.master"), format!("{master_text}\n")).unwrap();
    eprintln!("vectors written to {}", dir.display());
}

/// The authenticator-app key of `v3-totp.vault` (a test key, never a real one).
const TOTP_URI: &str = "otpauth://totp/Kraken:vector?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kraken&algorithm=SHA1&digits=6&period=30";

/// `v3-totp.vault` (policy `either`, the `v3.passphrase`), its shares, and `v3-totp.json`: the
/// URI it keeps and the codes that key gives at fixed times (computed by `gsl_vault::totp`; the
/// page's code and oathtool must agree). Written only when absent.
fn write_totp_sample(dir: &std::path::Path, kdf: KdfParams, pass: &Passphrase) {
    let name = "v3-totp";
    if dir.join(format!("{name}.vault")).exists() {
        return;
    }
    let t = gsl_vault::totp::Totp::from_uri(TOTP_URI).unwrap();
    assert_eq!(t.uri().as_str(), TOTP_URI, "the sample URI is canonical");
    let spec = Spec {
        label: "vector v3 totp".into(),
        threshold: 2,
        custodians: vec!["alice".into(), "bob".into(), "carol".into()],
        deliveries: vec![],
        policy: Policy::Either,
        kdf,
        drill_every: 90 * 86_400,
        now: 1_790_000_000,
    };
    let mut s = SecretBytes::with_capacity(TOTP_URI.len());
    s.extend(TOTP_URI.as_bytes()).unwrap();
    let master = MasterKey::new(s, "vector").unwrap();
    let (mut v, vk, qk, issued) = vault::create_v3(&spec, &master, Some(pass), name).unwrap();
    v.body.master = Some(t.kind());
    let bytes = v.to_bytes(&vk).unwrap();
    std::fs::write(dir.join(format!("{name}.vault")), &bytes).unwrap();
    let copy = v.recovery_copy(&vk, Some(&qk), 1_790_000_200).unwrap();
    write_shares(dir, name, &spec.label, &v, &issued, &copy, "2026-12-03");
    let codes: Vec<_> = [
        59u64,
        1_790_000_000,
        1_790_000_029,
        1_790_000_030,
        4_102_444_800,
    ]
    .iter()
    .map(|&at| json!({"at": at, "code": t.code_at(at).as_str()}))
    .collect();
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(&json!({"uri": TOTP_URI, "codes": codes})).unwrap() + "\n",
    )
    .unwrap();
}

/// `v2-authority.vault` (policy `either`, made with the copy authority), its shares, and
/// `v2-authority.copy`: a recovery copy the owner issued with the passphrase alone after a new
/// master key, signed by the authority the quorum certified at creation. Written only when
/// absent.
fn write_authority_sample(dir: &std::path::Path, kdf: KdfParams, pass: &Passphrase) {
    let name = "v2-authority";
    if dir.join(format!("{name}.vault")).exists() {
        return;
    }
    let spec = Spec {
        label: "vector authority".into(),
        threshold: 2,
        custodians: vec!["alice".into(), "bob".into(), "carol".into()],
        deliveries: vec![],
        policy: Policy::Either,
        kdf,
        drill_every: 90 * 86_400,
        now: 1_790_000_000,
    };
    let master = |text: &str| {
        let mut s = SecretBytes::with_capacity(text.len());
        s.extend(text.as_bytes()).unwrap();
        MasterKey::new(s, "vector").unwrap()
    };
    let (mut v, vk, qk, issued) =
        vault::create(&spec, &master("the first master key"), Some(pass), name).unwrap();
    let first = v.recovery_copy(&vk, Some(&qk), 1_790_000_050).unwrap();
    let _ = v.to_bytes(&vk).unwrap();
    let (vk, _) = v
        .set_secret(
            &vk,
            &master("KRAKEN-GSL-vector-master-key 0123456789"),
            1_790_000_100,
        )
        .unwrap();
    let bytes = v.to_bytes(&vk).unwrap();
    std::fs::write(dir.join(format!("{name}.vault")), &bytes).unwrap();
    let copy = v.recovery_copy(&vk, None, 1_790_000_200).unwrap();
    std::fs::write(dir.join(format!("{name}.copy")), &copy).unwrap();
    // The share files carry the copy of the first master key, issued at creation.
    write_shares(dir, name, &spec.label, &v, &issued, &first, "2026-12-02");
}

/// A 2-of-3 sample of policy `quorum` (alice, bob, carol), made at 1 790 000 000.
fn quorum_sample_spec(label: &str) -> Spec {
    Spec {
        label: label.into(),
        threshold: 2,
        custodians: vec!["alice".into(), "bob".into(), "carol".into()],
        deliveries: vec![],
        policy: Policy::Quorum,
        kdf: KdfParams::DEFAULT,
        drill_every: 90 * 86_400,
        now: 1_790_000_000,
    }
}

/// `v2-cancelled.vault` (policy `quorum`): shares with proof keys (FORMAT.md, "Share proofs"),
/// and a reshare cancelled before confirmation (`cancelled`), whose share
/// `v2-cancelled-xena.share` (epoch 2) is refused as cancelled. Written only when absent.
fn write_cancelled_sample(dir: &std::path::Path) {
    let name = "v2-cancelled";
    if dir.join(format!("{name}.vault")).exists() {
        return;
    }
    let spec = quorum_sample_spec("vector cancelled");
    let mut s = SecretBytes::with_capacity(64);
    s.extend(b"KRAKEN-GSL-vector-master-key 0123456789")
        .unwrap();
    let master = MasterKey::new(s, "vector").unwrap();
    let (mut v, vk, qk, issued) = vault::create(&spec, &master, None, name).unwrap();
    let _ = v.to_bytes(&vk).unwrap();
    let names = vec!["xena".to_string(), "yuri".to_string()];
    let (pending, _) = v
        .reshare_begin(&vk, 2, &names, &[], None, 1_790_000_100)
        .unwrap();
    let _ = v.to_bytes(&vk).unwrap();
    let (vk, _) = v
        .reshare_cancel(&vk, Some(&qk), None, 1_790_000_200)
        .unwrap();
    let bytes = v.to_bytes(&vk).unwrap();
    std::fs::write(dir.join(format!("{name}.vault")), &bytes).unwrap();
    let copy = v.recovery_copy(&vk, Some(&qk), 1_790_000_300).unwrap();
    write_shares(dir, name, &spec.label, &v, &issued, &copy, "2026-12-02");
    let xena = &pending[0];
    let h = ShareHeader {
        label: &spec.label,
        fingerprint: &v.fingerprint().to_string(),
        custodian: &xena.name,
        index: xena.code.point.x,
        count: 2,
        threshold: 2,
        epoch: 2,
        date: "2026-12-02",
    };
    std::fs::write(
        dir.join(format!("{name}-xena.share")),
        &*render_share_text(&h, &xena.code),
    )
    .unwrap();
}

/// `v2-sheet.vault` (policy `quorum`): the whole recovery sheet, the master key with 2FA
/// recovery codes and a note (FORMAT.md, "Payload"). Written only when absent.
fn write_sheet_sample(dir: &std::path::Path) {
    use gsl_vault::vault::entries::entry_from;
    let name = "v2-sheet";
    if dir.join(format!("{name}.vault")).exists() {
        return;
    }
    let spec = quorum_sample_spec("vector sheet");
    let bytes = |t: &str| {
        let mut s = SecretBytes::with_capacity(t.len());
        s.extend(t.as_bytes()).unwrap();
        s
    };
    let master =
        MasterKey::new(bytes("KRAKEN-GSL-vector-master-key 0123456789"), "vector").unwrap();
    let (mut v, vk, qk, issued) = vault::create(&spec, &master, None, name).unwrap();
    let entries = vec![
        entry_from(
            "recovery-codes",
            bytes("1111-aaaa\n2222-bbbb\n3333-cccc"),
            "vector",
        )
        .unwrap(),
        entry_from(
            "note",
            bytes("Kraken, account vector@example.com. Call Bob."),
            "vector",
        )
        .unwrap(),
    ];
    v.seal_items(&vk, &master, entries).unwrap();
    let bytes = v.to_bytes(&vk).unwrap();
    std::fs::write(dir.join(format!("{name}.vault")), &bytes).unwrap();
    let copy = v.recovery_copy(&vk, Some(&qk), 1_790_000_100).unwrap();
    write_shares(dir, name, &spec.label, &v, &issued, &copy, "2026-12-02");
}

/// `NAME-CUSTODIAN.share` for each share of a 2-of-3 set at epoch 1, with `copy` after it.
fn write_shares(
    dir: &std::path::Path,
    name: &str,
    label: &str,
    v: &vault::Vault,
    issued: &[vault::Issued],
    copy: &[u8],
    date: &str,
) {
    for i in issued {
        let h = ShareHeader {
            label,
            fingerprint: &v.fingerprint().to_string(),
            custodian: &i.name,
            index: i.code.point.x,
            count: 3,
            threshold: 2,
            epoch: 1,
            date,
        };
        let text = format!("{}{}", *render_share_text(&h, &i.code), armor(copy));
        std::fs::write(dir.join(format!("{name}-{}.share", i.name)), text).unwrap();
    }
}

/// A version 3 slot sealed by this implementation (random encapsulation, so written only when
/// absent): the recovery page's X-Wing must open it with the quorum key it gives.
fn v3_slot_vector(dir: &std::path::Path) {
    use gsl_vault::format::SlotKind;
    use gsl_vault::vault::slot3::{self, Context, Source};
    let path = dir.join("v3-slot.json");
    if path.exists() {
        return;
    }
    let origin = bytes32(31);
    let qk = bytes32(32);
    let mut vkb = bytes32(33);
    let vk = VaultKey::from_bytes(&mut vkb);
    let ctx = Context {
        origin: &origin,
        kind: SlotKind::Quorum,
        epoch: 3,
        kdf: None,
    };
    let (slot, _) = slot3::seal(&ctx, &vk, Source::Secret(&qk)).expect("seal");
    let v = json!({
        "origin": hex::encode(&origin), "kind": "quorum", "epoch": 3,
        "key": hex::encode(&qk), "vault_key": hex::encode(vk.expose()),
        "path_kem_seed": hex::encode(&crypto::path_kem_seed(&qk, "quorum")[..]),
        "slot": slot3::for_copy(&slot),
    });
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
}

/// The passphrase of the format 3 samples (`v3.passphrase`).
const V3_PASSPHRASE: &str = "vector passphrase for format three, never a real one";

/// A sample vault of each policy in `version` (2 or 3), with its shares (which carry its
/// recovery copy), `vN-POLICY.copy`, and for format 3 `v3-either.qr.txt` (the copy's QR texts,
/// last part first). Each is rotated once: a passphrase change to the same passphrase, or
/// `set-secret` with the same key under `quorum`. A committed sample is a promise: it is
/// written only when absent, never replaced.
fn write_policy_samples(
    dir: &std::path::Path,
    version: u8,
    kdf: KdfParams,
    pass: &Passphrase,
    master_text: &str,
) {
    let (create, label_prefix, date) = if version >= 3 {
        (vault::create_v3 as Create, "vector v3", "2026-12-03")
    } else {
        (vault::create as Create, "vector", "2026-09-21")
    };
    for policy in [Policy::Either, Policy::Both, Policy::Quorum] {
        let name = format!("v{version}-{}", policy.as_str());
        if dir.join(format!("{name}.vault")).exists() {
            continue;
        }
        let spec = Spec {
            label: format!("{label_prefix} {}", policy.as_str()),
            threshold: 2,
            custodians: vec!["alice".into(), "bob".into(), "carol".into()],
            deliveries: vec![],
            policy,
            kdf,
            drill_every: 90 * 86_400,
            now: 1_790_000_000,
        };
        let mut s = SecretBytes::with_capacity(master_text.len());
        s.extend(master_text.as_bytes()).unwrap();
        let master = MasterKey::new(s, "vector").unwrap();
        let p = (policy != Policy::Quorum).then_some(pass);
        let (mut v, vk, qk, issued) = create(&spec, &master, p, &name).unwrap();
        let vk = match policy {
            Policy::Quorum => {
                let offered = offer(&issued[..2]);
                let out = v.unlock_quorum(&offered, Vec::new(), None).unwrap();
                let master2 = v.open_payload(&out.vk).unwrap();
                v.set_secret(&out.vk, &master2, 1_790_000_100).unwrap().0
            }
            Policy::Either => v
                .change_passphrase(&vk, None, pass, Some(kdf), 1_790_000_100)
                .unwrap(),
            Policy::Both => {
                let offered = offer(&issued[..2]);
                let out = v.unlock_quorum(&offered, Vec::new(), Some(pass)).unwrap();
                v.change_passphrase(&out.vk, out.qk.as_ref(), pass, Some(kdf), 1_790_000_100)
                    .unwrap()
            }
        };
        let bytes = v.to_bytes(&vk).unwrap();
        std::fs::write(dir.join(format!("{name}.vault")), &bytes).unwrap();
        let copy = v.recovery_copy(&vk, Some(&qk), 1_790_000_200).unwrap();
        std::fs::write(dir.join(format!("{name}.copy")), &copy).unwrap();
        if version >= 3 && policy == Policy::Either {
            let mut parts = gsl_vault::copy::qr_parts(&copy);
            parts.reverse();
            std::fs::write(dir.join(format!("{name}.qr.txt")), parts.join("\n") + "\n").unwrap();
        }
        // Each share file carries the vault's recovery copy after the share.
        write_shares(dir, &name, &spec.label, &v, &issued, &copy, date);
    }
    if version >= 3 {
        std::fs::write(dir.join("v3.passphrase"), format!("{V3_PASSPHRASE}\n")).unwrap();
        std::fs::write(dir.join("v3.master"), format!("{master_text}\n")).unwrap();
    }
}

type Create =
    fn(
        &Spec,
        &MasterKey,
        Option<&Passphrase>,
        &str,
    ) -> gsl_vault::error::Result<(vault::Vault, VaultKey, QuorumKey, Vec<vault::Issued>)>;
