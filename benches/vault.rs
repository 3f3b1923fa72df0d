//! criterion benchmarks: the KDF at the four costs of BENCHMARKS.md, Shamir split and combine
//! at n=5 and n=255, and parse + verify of a vault. `cargo bench`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use gsl_vault::format::Policy;
use gsl_vault::kdf::{Costs, KdfParams, derive_raw};
use gsl_vault::secret::{MasterKey, QuorumKey, SecretBytes};
use gsl_vault::shamir::{self, Point};
use gsl_vault::vault::{self, Spec, Vault};

fn kdf(c: &mut Criterion) {
    let mut g = c.benchmark_group("argon2id");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    for (m, t, p) in [(64, 3, 4), (256, 3, 4), (1024, 1, 4), (2048, 1, 4)] {
        let params = Costs {
            memory_kib: m * 1024,
            iterations: t,
            parallelism: p,
        };
        g.bench_function(format!("{m} MiB, t={t}, p={p}"), |b| {
            b.iter(|| {
                derive_raw(
                    &params,
                    black_box(b"bench passphrase"),
                    b"bench salt 16 bytes",
                    &[],
                    &[],
                )
                .unwrap()
            })
        });
    }
    g.finish();
}

fn shamir_bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("shamir");
    for (t, n) in [(3usize, 5usize), (128, 255)] {
        let qk = QuorumKey::random().unwrap();
        g.bench_function(format!("split t={t} n={n}"), |b| {
            b.iter(|| shamir::split(black_box(&qk), t, n).unwrap())
        });
        let points = shamir::split(&qk, t, n).unwrap();
        let chosen: Vec<&Point> = points.iter().take(t).collect();
        g.bench_function(format!("combine t={t} n={n}"), |b| {
            b.iter(|| shamir::combine(black_box(&chosen), t).unwrap())
        });
    }
    g.finish();
}

fn parse(c: &mut Criterion) {
    let names: Vec<String> = (0..5).map(|i| format!("custodian{i}")).collect();
    let spec = Spec {
        label: "bench".into(),
        threshold: 3,
        custodians: names,
        deliveries: vec![],
        policy: Policy::Quorum,
        kdf: KdfParams::DEFAULT,
        drill_every: vault::DEFAULT_DRILL_EVERY,
        now: 1_790_000_000,
    };
    let mut s = SecretBytes::with_capacity(16);
    s.extend(b"bench master key").unwrap();
    let (mut v, vk, _, _) =
        vault::create(&spec, &MasterKey::new(s, "bench").unwrap(), None, "bench").unwrap();
    let bytes = v.to_bytes(&vk).unwrap();
    c.bench_function("vault parse + verify (5 custodians)", |b| {
        b.iter(|| Vault::parse(black_box(&bytes), "bench").unwrap())
    });
}

/// Opening by a quorum, format 2 against format 3, at the same vault (5 custodians, policy
/// `quorum`, so no Argon2id): the difference is the slot (X25519 against X-Wing), the bindings
/// and the signatures. Parse, check the shares, combine, open the slot, decrypt the payload.
fn unlock_v2_v3(c: &mut Criterion) {
    let names: Vec<String> = (0..5).map(|i| format!("custodian{i}")).collect();
    let spec = Spec {
        label: "bench".into(),
        threshold: 3,
        custodians: names,
        deliveries: vec![],
        policy: Policy::Quorum,
        kdf: KdfParams::DEFAULT,
        drill_every: vault::DEFAULT_DRILL_EVERY,
        now: 1_790_000_000,
    };
    let master = || {
        let mut s = SecretBytes::with_capacity(16);
        s.extend(b"bench master key").unwrap();
        MasterKey::new(s, "bench").unwrap()
    };
    let mut g = c.benchmark_group("open by a quorum (parse, shares, slot, payload)");
    for (name, v3) in [("format 2", false), ("format 3", true)] {
        let (mut v, vk, _, issued) = if v3 {
            vault::create_v3(&spec, &master(), None, "bench").unwrap()
        } else {
            vault::create(&spec, &master(), None, "bench").unwrap()
        };
        let bytes = v.to_bytes(&vk).unwrap();
        let offered: Vec<vault::Offered> = issued
            .iter()
            .take(3)
            .map(|i| vault::Offered {
                source: i.name.clone(),
                code: gsl_vault::share::ShareCode {
                    fingerprint: i.code.fingerprint,
                    epoch: i.code.epoch,
                    point: Point {
                        x: i.code.point.x,
                        y: i.code.point.y.clone(),
                    },
                },
            })
            .collect();
        g.bench_function(name, |b| {
            b.iter(|| {
                let v = Vault::parse(black_box(&bytes), "bench").unwrap();
                let out = v.unlock_quorum(&offered, Vec::new(), None).unwrap();
                v.open_payload(&out.vk).unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, kdf, shamir_bench, parse, unlock_v2_v3);
criterion_main!(benches);
