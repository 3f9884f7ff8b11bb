//! Holds idle TCP connections for the idle-connections test, which needs more of them than one
//! process may open here: `idle_holder ADDR N` raises its open-file limit, opens N connections to
//! ADDR that never send a byte, prints `held N`, and keeps them until its standard input closes.

use std::io::{BufRead, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().context("usage: idle_holder ADDR N")?;
    let n: usize = args.next().context("usage: idle_holder ADDR N")?.parse()?;
    gridwork_sync_server::fd_limit::raise()?;
    let mut held = Vec::with_capacity(n);
    while held.len() < n {
        held.push(TcpStream::connect(&addr).with_context(|| format!("connection {}", held.len() + 1))?);
        if held.len() % 256 == 0 {
            std::thread::sleep(Duration::from_millis(5)); // let the server's accept loop keep up
        }
    }
    println!("held {}", held.len());
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(())
}
