//! X-Wing (draft-connolly-cfrg-xwing-kem-06): the hybrid KEM that seals version 3 slots, ML-KEM-768
//! and X25519 combined with SHA3-256, so a slot stays secret while either holds.
//!
//! Composed from RustCrypto's `ml-kem` (FIPS 203, deterministic key generation and encapsulation)
//! and `x25519-dalek`, with `sha3` for the seed expansion and the combiner, exactly as the draft's
//! §5 writes them; nothing here is a primitive of our own. (RustCrypto's `x-wing` crate needs a
//! `kem` release that the `age` crate's `ml-kem` cannot share a build with.) The draft's own test
//! vectors (`tests/vectors/xwing-draft06.json`) pin it, and the recovery page's
//! `@noble/post-quantum` implementation must agree with it.

use ml_kem::kem::Decapsulate;
use ml_kem::{B32, EncapsulateDeterministic, EncodedSizeUser, KemCore, MlKem768};
use sha3::digest::{ExtendableOutput, Update, XofReader};
use sha3::{Digest, Sha3_256, Shake256};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// Size of an encapsulation key (ML-KEM-768's 1184 bytes, then X25519's 32).
pub const RECIPIENT_LEN: usize = 1216;
/// Size of a ciphertext (ML-KEM-768's 1088 bytes, then X25519's 32).
pub const CIPHERTEXT_LEN: usize = 1120;
const MLKEM_EK_LEN: usize = 1184;
const MLKEM_CT_LEN: usize = 1088;
/// The draft's label, `\.//^\`.
const LABEL: &[u8; 6] = br"\.//^\";

type DecapKey = <MlKem768 as KemCore>::DecapsulationKey;
type EncapKey = <MlKem768 as KemCore>::EncapsulationKey;

/// §5.2: SHAKE256(seed, 96) gives ML-KEM-768's (d, z) and the X25519 secret.
fn expand(seed: &[u8; 32]) -> (DecapKey, EncapKey, StaticSecret, PublicKey) {
    let mut shake = Shake256::default();
    shake.update(seed);
    let mut reader = shake.finalize_xof();
    let mut expanded = Zeroizing::new([0u8; 96]);
    reader.read(&mut expanded[..]);
    let mut d = B32::default();
    let mut z = B32::default();
    d.copy_from_slice(&expanded[..32]);
    z.copy_from_slice(&expanded[32..64]);
    let (dk_m, ek_m) = MlKem768::generate_deterministic(&d, &z);
    zeroize::Zeroize::zeroize(d.as_mut_slice());
    zeroize::Zeroize::zeroize(z.as_mut_slice());
    let mut sk = [0u8; 32];
    sk.copy_from_slice(&expanded[64..]);
    let sk_x = StaticSecret::from(sk);
    zeroize::Zeroize::zeroize(&mut sk);
    let pk_x = PublicKey::from(&sk_x);
    (dk_m, ek_m, sk_x, pk_x)
}

fn combiner(ss_m: &[u8], ss_x: &[u8; 32], ct_x: &[u8; 32], pk_x: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha3_256::new();
    Digest::update(&mut h, ss_m);
    Digest::update(&mut h, ss_x);
    Digest::update(&mut h, ct_x);
    Digest::update(&mut h, pk_x);
    Digest::update(&mut h, LABEL);
    Zeroizing::new(h.finalize().into())
}

/// The encapsulation key (1216 bytes) of a 32-byte decapsulation seed.
pub fn recipient_of(seed: &[u8; 32]) -> Vec<u8> {
    let (_, ek_m, _, pk_x) = expand(seed);
    let mut out = Vec::with_capacity(RECIPIENT_LEN);
    out.extend_from_slice(&ek_m.as_bytes());
    out.extend_from_slice(pk_x.as_bytes());
    out
}

/// §5.4 with explicit randomness `eseed` (64 bytes: ML-KEM's 32, then X25519's ephemeral 32).
/// Returns (ciphertext, shared secret); `None` for a recipient of the wrong size.
pub fn encapsulate(recipient: &[u8], eseed: &[u8; 64]) -> Option<(Vec<u8>, Zeroizing<[u8; 32]>)> {
    if recipient.len() != RECIPIENT_LEN {
        return None;
    }
    let enc = ml_kem::Encoded::<EncapKey>::try_from(&recipient[..MLKEM_EK_LEN]).ok()?;
    let ek_m = EncapKey::from_bytes(&enc);
    let mut pk = [0u8; 32];
    pk.copy_from_slice(&recipient[MLKEM_EK_LEN..]);
    let pk_x = PublicKey::from(pk);
    let mut m = B32::default();
    m.copy_from_slice(&eseed[..32]);
    let encapsulated = ek_m.encapsulate_deterministic(&m);
    // ML-KEM's coins give away its shared secret: wiped as soon as they are used.
    zeroize::Zeroize::zeroize(m.as_mut_slice());
    let (ct_m, mut ss_m) = encapsulated.ok()?;
    let mut e = [0u8; 32];
    e.copy_from_slice(&eseed[32..]);
    let ek_x = StaticSecret::from(e);
    zeroize::Zeroize::zeroize(&mut e);
    let ct_x = PublicKey::from(&ek_x);
    let ss_x = ek_x.diffie_hellman(&pk_x);
    let ss = combiner(ss_m.as_slice(), ss_x.as_bytes(), ct_x.as_bytes(), &pk);
    zeroize::Zeroize::zeroize(ss_m.as_mut_slice());
    let mut ct = Vec::with_capacity(CIPHERTEXT_LEN);
    ct.extend_from_slice(ct_m.as_slice());
    ct.extend_from_slice(ct_x.as_bytes());
    Some((ct, ss))
}

/// §5.5: the shared secret for `ciphertext` under the decapsulation seed; `None` for a
/// ciphertext of the wrong size. (ML-KEM rejects implicitly: a wrong ciphertext gives a
/// pseudorandom secret, which the slot's AEAD then refuses.)
pub fn decapsulate(seed: &[u8; 32], ciphertext: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    if ciphertext.len() != CIPHERTEXT_LEN {
        return None;
    }
    let (dk_m, _, sk_x, pk_x) = expand(seed);
    let ct_m = ml_kem::Ciphertext::<MlKem768>::try_from(&ciphertext[..MLKEM_CT_LEN]).ok()?;
    let ss_m = dk_m.decapsulate(&ct_m).ok()?;
    let mut ct_x = [0u8; 32];
    ct_x.copy_from_slice(&ciphertext[MLKEM_CT_LEN..]);
    let ss_x = sk_x.diffie_hellman(&PublicKey::from(ct_x));
    Some(combiner(
        ss_m.as_slice(),
        ss_x.as_bytes(),
        &ct_x,
        pk_x.as_bytes(),
    ))
}

/// Test-only views of the parts, for the quantum attacker test: the X25519 secret behind a seed
/// (what a discrete-log computer would find from the recipient), ML-KEM's own shared secret (what
/// it would not), and the combiner.
#[cfg(test)]
pub(crate) mod parts {
    use super::*;

    pub fn x25519_secret(seed: &[u8; 32]) -> StaticSecret {
        expand(seed).2
    }

    pub fn mlkem_shared(seed: &[u8; 32], ciphertext: &[u8]) -> [u8; 32] {
        let (dk_m, ..) = expand(seed);
        let ct_m = ml_kem::Ciphertext::<MlKem768>::try_from(&ciphertext[..MLKEM_CT_LEN]).unwrap();
        dk_m.decapsulate(&ct_m).unwrap().into()
    }

    pub fn combine(ss_m: &[u8; 32], ss_x: &[u8; 32], ct_x: &[u8; 32], pk_x: &[u8; 32]) -> [u8; 32] {
        *combiner(ss_m, ss_x, ct_x, pk_x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The draft's vectors: seed → public key, (public key, eseed) → ciphertext and shared
    /// secret, and decapsulation back to the same secret.
    #[test]
    fn draft06_vectors() {
        let text = include_str!("../tests/vectors/xwing-draft06.json");
        let v: serde_json::Value = serde_json::from_str(text).expect("json");
        let cases = v.as_array().expect("array");
        assert!(cases.len() >= 3);
        for c in cases {
            let h = |k: &str| crate::hex::decode(c[k].as_str().expect("hex")).expect("hex");
            let seed: [u8; 32] = h("seed").try_into().expect("32");
            let eseed: [u8; 64] = h("eseed").try_into().expect("64");
            assert_eq!(recipient_of(&seed), h("pk"));
            let (ct, ss) = encapsulate(&h("pk"), &eseed).expect("encapsulates");
            assert_eq!(ct, h("ct"));
            assert_eq!(ss.to_vec(), h("ss"));
            assert_eq!(decapsulate(&seed, &ct).expect("decaps").to_vec(), h("ss"));
        }
    }
}
