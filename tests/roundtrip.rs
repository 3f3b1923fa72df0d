//! proptest: split/combine for random t, n and secrets; parse(serialize(x)) == x for shares
//! and vaults.

use gsl_vault::format::Policy;
use gsl_vault::kdf::KdfParams;
use gsl_vault::secret::{MasterKey, QuorumKey, SecretBytes};
use gsl_vault::shamir::{self, Point};
use gsl_vault::share::{ShareCode, ShareHeader, parse_share_text, render_share_text};
use gsl_vault::vault::{self, Offered, ReceiptKind, Spec, Vault};
use proptest::prelude::*;

fn master(bytes: &[u8]) -> MasterKey {
    let mut s = SecretBytes::with_capacity(bytes.len());
    s.extend(bytes).unwrap();
    MasterKey::new(s, "test").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_t_of_n_points_recover_the_key(
        key in any::<[u8; 32]>(),
        n in 2usize..=40,
        t_frac in 0.0f64..1.0,
        pick_seed in any::<u64>(),
    ) {
        let t = 2 + ((n - 2) as f64 * t_frac) as usize;
        let mut k = key;
        let qk = QuorumKey::from_bytes(&mut k);
        let points = shamir::split(&qk, t, n).unwrap();
        // A pseudo-random subset of size t.
        let mut idx: Vec<usize> = (0..n).collect();
        let mut s = pick_seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            idx.swap(i, (s >> 33) as usize % (i + 1));
        }
        let chosen: Vec<&Point> = idx[..t].iter().map(|&i| &points[i]).collect();
        let back = shamir::combine(&chosen, t).unwrap();
        prop_assert_eq!(back.expose(), &key);
        let fewer: Vec<&Point> = chosen[..t - 1].to_vec();
        prop_assert!(shamir::combine(&fewer, t).is_err());
    }

    #[test]
    fn share_words_compact_and_text_round_trip(
        fp in any::<[u8; 5]>(), epoch in any::<u16>(), x in 1u8..=255, y in any::<[u8; 32]>(),
    ) {
        let code = ShareCode { fingerprint: fp, epoch, point: Point { x, y: zeroize::Zeroizing::new(y) } };
        let w = code.to_words();
        prop_assert_eq!(w.len(), 36);
        let back = ShareCode::from_words(&w, "p").unwrap();
        prop_assert_eq!(back.fingerprint, fp);
        prop_assert_eq!(back.epoch, epoch);
        prop_assert_eq!(back.point.x, x);
        prop_assert_eq!(*back.point.y, y);
        for text in [code.to_mnemonic().to_string(), code.to_compact().to_string()] {
            let c = parse_share_text(&text, "p").unwrap();
            prop_assert_eq!(c.to_words(), code.to_words());
        }
        let h = ShareHeader { label: "L", fingerprint: "AAAA-BBBB", custodian: "c", index: x, count: 255, threshold: 2, epoch: 1, date: "2026-01-01" };
        let full = render_share_text(&h, &code);
        let c = parse_share_text(&full, "p").unwrap();
        prop_assert_eq!(c.to_words(), code.to_words());
        // Four-letter prefixes are enough.
        let short: String = code.to_mnemonic().split(' ').map(|w| &w[..4]).collect::<Vec<_>>().join(" ");
        prop_assert_eq!(parse_share_text(&short, "p").unwrap().to_words(), code.to_words());
    }

    #[test]
    fn vault_parse_serialize_is_identity(
        names in proptest::collection::btree_set("[a-z][a-z0-9 ._-]{0,12}[a-z0-9]", 2..8),
        t_frac in 0.0f64..1.0,
        key in proptest::collection::vec(1u8..=126, 1..300),
        label in "[A-Za-z][A-Za-z0-9 ]{0,30}[a-z]",
        drill_days in 1u64..3000,
    ) {
        let names: Vec<String> = names.into_iter().collect();
        let n = names.len();
        let t = 2 + ((n - 2) as f64 * t_frac) as usize;
        let spec = Spec {
            label, threshold: t, custodians: names, deliveries: vec![], policy: Policy::Quorum,
            kdf: KdfParams::DEFAULT, drill_every: drill_days * 86_400, now: 1_790_000_000,
        };
        let (mut created, vk, _qk, issued) = vault::create(&spec, &master(&key), None, "p").unwrap();
        let mut v = Vault::parse(&created.to_bytes(&vk).unwrap(), "p").unwrap();
        prop_assert_eq!(&v.body.custodians.len(), &n);
        // Open with t shares, append a receipt: the new file parses and holds the same body.
        let offered: Vec<Offered> = issued.into_iter().take(t)
            .map(|i| Offered { source: i.name, code: i.code }).collect();
        let out = v.unlock_quorum(&offered, Vec::new(), None).unwrap();
        let opened = v.open_payload(&out.vk).unwrap();
        prop_assert_eq!(opened.expose(), &key[..]);
        v.add_receipt(&out.vk, 1_790_000_100, ReceiptKind::Quorum, out.accepted.clone(), vec![]);
        let bytes2 = v.to_bytes(&out.vk).unwrap();
        let v2 = Vault::parse(&bytes2, "p").unwrap();
        prop_assert_eq!(&v2.body, &v.body);
        prop_assert_eq!(gsl_vault::format::body_bytes(&v2.body), gsl_vault::format::body_bytes(&v.body));
    }
}
