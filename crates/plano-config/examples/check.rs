//! Scratch: validate files and print the outcome.
fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        println!("== {path}");
        match plano_config::load_str(&text, &|_| None, plano_config::EnvPolicy::Lenient) {
            Ok(l) => { println!("OK"); for w in l.warnings { println!("  warn: {w}"); } }
            Err(e) => println!("ERR\n{e}"),
        }
    }
}
