//! The `origine` binary: everything lives in the library; see `origine --help`.

fn main() -> std::process::ExitCode {
    origine::cli::main()
}
