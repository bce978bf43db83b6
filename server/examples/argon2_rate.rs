//! The raw argon2id hash rate of this machine with the server's parameters, one hashing thread
//! per core, each reusing its memory as the server's do: the ceiling of logins per second, which
//! `scripts/bench.sh` prints beside the measured login rate.
//!
//!   cargo run --release -p server --example argon2_rate -- [seconds]

use std::time::{Duration, Instant};

use app::backend::crypto::passwords::params;
use argon2::{Algorithm, Argon2, Block, Version};

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let hashes: u64 = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|i| {
                scope.spawn(move || {
                    let params = params();
                    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
                    let mut memory = vec![Block::new(); params.block_count()];
                    let mut out = [0u8; 32];
                    let salt = [i as u8; 16];
                    let mut done = 0;
                    while Instant::now() < until {
                        argon2
                            .hash_password_into_with_memory(
                                b"correct horse battery staple",
                                &salt,
                                &mut out,
                                &mut memory,
                            )
                            .expect("hashing works");
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a hashing thread")).sum()
    });
    let rate = hashes as f64 / started.elapsed().as_secs_f64();
    println!("{rate:.1} hashes/s ({hashes} hashes, {threads} threads, {seconds} s)");
}
