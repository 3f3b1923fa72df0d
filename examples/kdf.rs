//! Prints gsl-vault's Argon2id output (hex) for a password on stdin and a salt argument, with
//! the costs given: `kdf SALT MEMORY_KIB ITERATIONS PARALLELISM < password`. scripts/bench-kdf.sh
//! uses it to show the outputs equal the reference CLI's before it times anything.

use std::io::Read;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 5 {
        eprintln!("usage: kdf SALT MEMORY_KIB ITERATIONS PARALLELISM < password");
        std::process::exit(2);
    }
    let num = |i: usize| a[i].parse::<u32>().expect("a number");
    let params = gsl_vault::kdf::Costs {
        memory_kib: num(2),
        iterations: num(3),
        parallelism: num(4),
    };
    let mut pwd = Vec::new();
    std::io::stdin().read_to_end(&mut pwd).expect("stdin");
    let k = gsl_vault::kdf::derive_raw(&params, &pwd, a[1].as_bytes(), &[], &[]).expect("argon2id");
    println!("{}", gsl_vault::hex::encode(k.expose()));
}
