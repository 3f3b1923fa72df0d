//! Process hygiene, done first thing at start: no core dumps (a dump would hold every secret in
//! memory), and on Linux not dumpable, so other processes of the same user cannot ptrace it or
//! read its memory through /proc.

/// Sets RLIMIT_CORE to 0 and, on Linux, PR_SET_DUMPABLE to 0. Best effort: a failure is reported
/// once on stderr and does not stop the program.
pub fn harden_process() {
    use rustix::process::{Resource, Rlimit, setrlimit};
    if let Err(e) = setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    ) {
        errln!("gsl-vault: warning: could not disable core dumps ({e}).");
    }
    #[cfg(target_os = "linux")]
    if let Err(e) =
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
    {
        errln!("gsl-vault: warning: could not mark the process non-dumpable ({e}).");
    }
}
