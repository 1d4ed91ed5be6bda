//! Prints the core's decisions on a page: `cargo run --example explain -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: explain FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let html = klartext::decode::decode(&bytes).expect("decodable page");
    print!("{}", klartext::explain(&html).expect("scannable page"));
}
