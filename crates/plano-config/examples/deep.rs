//! Scratch: which hostile document overflows.
fn main() {
    let n: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let which = std::env::args().nth(1).unwrap_or_default();
    let text = match which.as_str() {
        "flow" => format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        "block" => (0..n).map(|i| format!("{}a:\n", " ".repeat(i))).collect::<String>(),
        "map" => format!("{}1{}", "{a: ".repeat(n), "}".repeat(n)),
        _ => String::new(),
    };
    let h = std::thread::Builder::new().stack_size(2 << 20).spawn(move || {
        let r = plano_config::load_str(&text, &|_| None, plano_config::EnvPolicy::Lenient);
        println!("{}", r.err().map(|e| e.to_string()).unwrap_or_default().chars().take(200).collect::<String>());
    }).unwrap();
    let _ = h.join();
}
