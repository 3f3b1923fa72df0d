use super::*;
use crate::secret::VaultKey;

const ORIGIN: [u8; 32] = [7u8; 32];

fn ctx(kind: SlotKind) -> Context<'static> {
    Context {
        origin: &ORIGIN,
        kind,
        epoch: 1,
        kdf: None,
    }
}

fn key(b: u8) -> [u8; 32] {
    [b; 32]
}

fn vk() -> VaultKey {
    VaultKey::random().unwrap()
}

#[test]
fn opens_with_its_secret_and_confirms_its_signer() {
    for kind in [SlotKind::Passphrase, SlotKind::Quorum, SlotKind::Both] {
        let c = ctx(kind);
        let v = vk();
        let (slot, sk) = seal(&c, &v, Source::Secret(&key(1))).unwrap();
        let opened = open(&c, &slot, &key(1)).unwrap();
        assert_eq!(opened.expose(), v.expose());
        let again = signer_of(&c, &slot, &opened).unwrap();
        assert_eq!(again.verifying_key(), sk.verifying_key());
        // A copy's form opens the same way.
        assert_eq!(
            open(&c, &for_copy(&slot), &key(1)).unwrap().expose(),
            v.expose()
        );
    }
}

#[test]
fn a_wrong_secret_is_named_as_such() {
    let c = ctx(SlotKind::Passphrase);
    let (slot, _) = seal(&c, &vk(), Source::Secret(&key(1))).unwrap();
    assert_eq!(open(&c, &slot, &key(2)).err(), Some(Refusal::WrongSecret));
}

/// The format 2 attack: the forger never held VK. It knows everything public in the real slot
/// (recipient, its hash, the binding), makes its own signer and VK, seals to the real recipient
/// and keeps the real binding. The owner's secret refuses it as not of this line, before
/// anything is decapsulated.
#[test]
fn keyless_forgery_with_a_copied_binding_is_refused() {
    for kind in [SlotKind::Passphrase, SlotKind::Quorum, SlotKind::Both] {
        let c = ctx(kind);
        let (real, _) = seal(&c, &vk(), Source::Secret(&key(1))).unwrap();
        // The forger's own slot, sealed to a secret of its own, then dressed as the real one.
        let (mut forged, _) = seal(&c, &vk(), Source::Secret(&key(9))).unwrap();
        let (forged_enc, forged_nonce, forged_ct) = {
            let recipient = hex::decode(real.recipient.as_deref().unwrap()).unwrap();
            let signer: [u8; 32] = hex::decode_array(forged.signer.as_deref().unwrap()).unwrap();
            let forged_vk = vk();
            let (e, n, ct) =
                crypto::kem_seal(&recipient, forged_vk.expose(), |e| c.slot_aad(&signer, e))
                    .unwrap();
            (e, n, ct)
        };
        forged.recipient = real.recipient.clone();
        forged.recipient_hash = real.recipient_hash.clone();
        forged.binding = real.binding.clone();
        forged.encapsulation = Some(hex::encode(&forged_enc));
        forged.nonce = hex::encode(&forged_nonce);
        forged.ciphertext = hex::encode(&forged_ct);
        assert_eq!(
            open(&c, &forged, &key(1)).err(),
            Some(Refusal::NotThisLine),
            "{kind:?}"
        );
        // With a binding of its own making (any key but the path's), the same.
        let signer: [u8; 32] = hex::decode_array(forged.signer.as_deref().unwrap()).unwrap();
        let recipient = hex::decode(real.recipient.as_deref().unwrap()).unwrap();
        forged.binding = Some(hex::encode(&c.binding(&key(9), &signer, &recipient)));
        assert_eq!(open(&c, &forged, &key(1)).err(), Some(Refusal::NotThisLine));
    }
}

/// A binding vouches for one vault, one signer, one recipient and one epoch: moved to another
/// origin, epoch or signer, it no longer verifies.
#[test]
fn keyless_forgery_cannot_move_a_binding() {
    let c = ctx(SlotKind::Quorum);
    let (real, _) = seal(&c, &vk(), Source::Secret(&key(1))).unwrap();
    let other_origin = [8u8; 32];
    let moved = Context {
        origin: &other_origin,
        ..c
    };
    assert_eq!(
        open(&moved, &real, &key(1)).err(),
        Some(Refusal::NotThisLine)
    );
    let later = Context { epoch: 2, ..c };
    assert_eq!(
        open(&later, &real, &key(1)).err(),
        Some(Refusal::NotThisLine)
    );
    let mut resigned = real.clone();
    resigned.signer = Some(hex::encode(&[5u8; 32]));
    assert_eq!(
        open(&c, &resigned, &key(1)).err(),
        Some(Refusal::NotThisLine)
    );
}

/// A rotation without the path's secret keeps signer, recipient and binding, and the new VK
/// opens with the path's secret.
#[test]
fn a_kept_slot_reseals_a_new_vault_key() {
    let c = ctx(SlotKind::Quorum);
    let old = vk();
    let (slot, sk) = seal(&c, &old, Source::Secret(&key(1))).unwrap();
    let new = vk();
    let (kept, sk2) = seal(
        &c,
        &new,
        Source::Kept {
            slot: &slot,
            old_vk: &old,
        },
    )
    .unwrap();
    assert_eq!(sk.verifying_key(), sk2.verifying_key());
    assert_eq!(kept.binding, slot.binding);
    assert_eq!(open(&c, &kept, &key(1)).unwrap().expose(), new.expose());
    // The old VK no longer opens the new signer seed.
    assert!(signer_of(&c, &kept, &old).is_none());
}

/// The quantum attacker: it holds the X25519 secret behind every X25519 public value in the slot
/// (the recipient's, computed here from the path seed as a discrete-log computer would from the
/// public key), so it has X25519's shared secret, and everything public. Every key it can form
/// without ML-KEM's shared secret fails. The control: given ML-KEM's secret too, the same attacker
/// code opens the slot, so the harness can tell. A version 2 slot, for contrast, opens with the
/// X25519 secret alone.
#[test]
fn quantum_attacker_with_every_x25519_secret_opens_no_slot() {
    use crate::xwing::parts;
    let c = ctx(SlotKind::Quorum);
    let v = vk();
    let qk = key(3);
    let (slot, _) = seal(&c, &v, Source::Secret(&qk)).unwrap();
    let seed = crypto::path_kem_seed(&qk, "quorum");
    let sk_x = parts::x25519_secret(&seed);
    let enc = hex::decode(slot.encapsulation.as_deref().unwrap()).unwrap();
    let recipient = hex::decode(slot.recipient.as_deref().unwrap()).unwrap();
    let ct_x: [u8; 32] = enc[1088..].try_into().unwrap();
    let pk_x: [u8; 32] = recipient[1184..].try_into().unwrap();
    assert_eq!(x25519_dalek::PublicKey::from(&sk_x).to_bytes(), pk_x);
    let ss_x = sk_x
        .diffie_hellman(&x25519_dalek::PublicKey::from(ct_x))
        .to_bytes();
    let signer: [u8; 32] = hex::decode_array(slot.signer.as_deref().unwrap()).unwrap();
    let aad = c.slot_aad(&signer, &enc);
    let nonce: [u8; 24] = hex::decode_array(&slot.nonce).unwrap();
    let ct = hex::decode(&slot.ciphertext).unwrap();
    let tries_with = |ss_m: &[u8; 32]| {
        let ss = parts::combine(ss_m, &ss_x, &ct_x, &pk_x);
        let k = crate::crypto::hkdf_for_tests(&ss, b"gsl-vault/v3 slot");
        crypto::open(&k, &nonce, &ct, &aad).is_some()
    };
    // Everything it knows stands in for ML-KEM's share; and the X25519 secret on its own.
    let known: Vec<[u8; 32]> = vec![
        [0u8; 32],
        ss_x,
        ct_x,
        pk_x,
        hex::decode_array(slot.recipient_hash.as_deref().unwrap()).unwrap(),
    ];
    for guess in &known {
        assert!(!tries_with(guess), "opened without ML-KEM's secret");
    }
    for k in [
        ss_x,
        crate::crypto::hkdf_for_tests(&ss_x, b"gsl-vault/v3 slot"),
    ] {
        assert!(crypto::open(&k, &nonce, &ct, &aad).is_none());
    }
    // Control: with ML-KEM's secret (which no quantum computer is known to get), it opens.
    assert!(tries_with(&parts::mlkem_shared(&seed, &enc)));

    // Contrast: a version 2 sealed slot falls to the X25519 secret of its recipient.
    let secret = crypto::path_secret(&qk, "quorum");
    let r2 = x25519_dalek::PublicKey::from(&secret).to_bytes();
    let (eph, n2, c2) = crypto::seal_to(&r2, v.expose(), b"aad").unwrap();
    assert!(crypto::open_from(&secret, &eph, &n2, &c2, b"aad").is_some());
}

/// Version 3 keys are not version 2's: the X25519 half of a path's recipient differs from the
/// version 2 recipient of the same secret.
#[test]
fn version_3_recipients_do_not_reveal_version_2_ones() {
    for kind in ["passphrase", "quorum", "both"] {
        let v2 = crypto::path_public(&key(4), kind);
        let v3 = crypto::path_recipient(&key(4), kind);
        assert_ne!(&v3[1184..], &v2[..]);
        assert!(!v3.windows(32).any(|w| w == v2));
    }
}
