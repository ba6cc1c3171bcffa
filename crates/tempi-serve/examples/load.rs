//! Load harness for `tempi serve`: N concurrent subscribers poll feeds with `If-None-Match`.
//!
//! ```text
//! tempi serve org.toml --state st --listen 127.0.0.1:8080 --max-per-peer 2000 -q &
//! tempi serve org.toml --state st --base http://127.0.0.1:8080 --print-links > links.tsv
//! cargo run --release -p tempi-serve --example load -- links.tsv 1000 [ROUNDS] [MODE]
//! ```
//!
//! MODE (default `tokio`): the subscribers as tasks on one thread, or `threads`, one OS thread
//! each (the first harness: a thousand threads share the two cores with the server).
//!
//! Every feed in links.tsv (or only member feeds when there are more than CLIENTS of them) is
//! fetched once to learn its `ETag` (not timed). Then CLIENTS threads, each on one kept-alive
//! connection, send a conditional GET for each of their share of the feeds, ROUNDS times
//! (default 1): with 20,000 member feeds and 1,000 clients, 20 each; with fewer feeds than
//! clients, one feed each, round robin. Every answer other than
//! `304` is an error. Prints requests, errors, p50, p99 and max latency, and the wall time.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
}

impl Connection {
    fn open(host: &str) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(host)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            host: host.into(),
        })
    }

    /// One GET on the kept-alive connection: (status, etag).
    fn get(&mut self, path: &str, etag: Option<&str>) -> std::io::Result<(u16, Option<String>)> {
        let condition = etag.map(|e| format!("If-None-Match: {e}\r\n")).unwrap_or_default();
        // As calendar clients do: gzip accepted (the server holds feeds gzipped).
        write!(
            self.writer,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept-Encoding: gzip\r\n{condition}\r\n",
            self.host
        )?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let (mut length, mut tag) = (0usize, None);
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "etag" => tag = Some(value.trim().to_string()),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, tag))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let links = std::fs::read_to_string(&args[1]).expect("links.tsv from --print-links");
    let clients: usize = args.get(2).map_or(1000, |n| n.parse().unwrap());
    let rounds: usize = args.get(3).map_or(1, |n| n.parse().unwrap());
    let mode = args.get(4).map_or("tokio", String::as_str);
    assert!(mode == "tokio" || mode == "threads", "MODE is tokio or threads");
    let rows: Vec<Vec<&str>> = links.lines().map(|l| l.split('\t').collect()).collect();
    let members = rows.iter().filter(|r| r[0] == "member").count();
    let feeds: Vec<String> = rows
        .iter()
        .filter(|r| members <= clients || r[0] == "member")
        .map(|r| r[2].to_string())
        .collect();
    let host = feeds[0].trim_start_matches("http://").split('/').next().unwrap().to_string();
    let paths: Vec<String> = feeds
        .iter()
        .map(|f| format!("/{}", f.trim_start_matches("http://").split_once('/').unwrap().1))
        .collect();
    // Learn every ETag once, 8 connections at a time (not timed).
    let chunks: Vec<Vec<String>> =
        paths.chunks(paths.len().div_ceil(8)).map(<[String]>::to_vec).collect();
    let tagged: Vec<(String, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let host = host.clone();
                s.spawn(move || {
                    let mut c = Connection::open(&host).unwrap();
                    chunk
                        .iter()
                        .map(|p| (p.clone(), c.get(p, None).unwrap().1.unwrap()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let started = Instant::now();
    let mut results: Vec<(Vec<Duration>, usize)> = if mode == "tokio" {
        subscribers_on_one_thread(&host, &tagged, clients, rounds)
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..clients)
                .map(|i| {
                    // Each client its share of the feeds; with fewer feeds than clients, one each,
                    // round robin.
                    let share: Vec<&(String, String)> = if tagged.len() < clients {
                        tagged.get(i % tagged.len()).into_iter().collect()
                    } else {
                        tagged.iter().skip(i).step_by(clients).collect()
                    };
                    let host = host.clone();
                    std::thread::Builder::new()
                        .stack_size(256 * 1024)
                        .spawn_scoped(s, move || {
                            let mut latencies = Vec::with_capacity(share.len() * rounds);
                            let mut errors = 0;
                            let mut c = match Connection::open(&host) {
                                Ok(c) => c,
                                Err(e) => {
                                    eprintln!("connect: {e}");
                                    return (latencies, share.len() * rounds);
                                }
                            };
                            for _ in 0..rounds {
                                for (path, etag) in &share {
                                    let t = Instant::now();
                                    match c.get(path, Some(etag)) {
                                        Ok((304, _)) => latencies.push(t.elapsed()),
                                        Ok((status, _)) => {
                                            eprintln!("status {status}");
                                            errors += 1;
                                        }
                                        Err(e) => {
                                            eprintln!(
                                                "request {} of the client: {e}",
                                                errors + latencies.len() + 1
                                            );
                                            errors += 1;
                                        }
                                    }
                                }
                            }
                            (latencies, errors)
                        })
                        .unwrap()
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    };
    let wall = started.elapsed();
    let errors: usize = results.iter().map(|r| r.1).sum();
    let mut all: Vec<Duration> =
        results.iter_mut().flat_map(|r| std::mem::take(&mut r.0)).collect();
    all.sort();
    let at = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "feeds {} clients {clients} rounds {rounds} harness {mode}: requests {} errors {errors} p50 {:.2} ms p99 {:.2} ms max {:.2} ms wall {:.2} s",
        tagged.len(),
        all.len() + errors,
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        wall.as_secs_f64()
    );
}

/// The subscribers as tasks on one thread (tokio's current-thread runtime): the harness then
/// takes at most one core, where a thousand OS threads compete with the server for both.
fn subscribers_on_one_thread(
    host: &str,
    tagged: &[(String, String)],
    clients: usize,
    rounds: usize,
) -> Vec<(Vec<Duration>, usize)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..clients)
            .map(|i| {
                let share: Vec<(String, String)> = if tagged.len() < clients {
                    tagged.get(i % tagged.len()).into_iter().cloned().collect()
                } else {
                    tagged.iter().skip(i).step_by(clients).cloned().collect()
                };
                let host = host.to_string();
                tokio::spawn(async move {
                    let mut latencies = Vec::with_capacity(share.len() * rounds);
                    let mut errors = 0;
                    let Ok(mut stream) = tokio::net::TcpStream::connect(&host).await else {
                        eprintln!("connect failed");
                        return (latencies, share.len() * rounds);
                    };
                    let _ = stream.set_nodelay(true);
                    let mut buffer = vec![0u8; 4096];
                    for _ in 0..rounds {
                        for (path, etag) in &share {
                            let request = format!(
                                "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\nIf-None-Match: {etag}\r\n\r\n"
                            );
                            let t = Instant::now();
                            if stream.write_all(request.as_bytes()).await.is_err() {
                                errors += 1;
                                continue;
                            }
                            // A 304 has no body: read up to the end of the header block.
                            let mut filled = 0;
                            let complete = loop {
                                match stream.read(&mut buffer[filled..]).await {
                                    Ok(0) | Err(_) => break false,
                                    Ok(n) => filled += n,
                                }
                                if buffer[..filled].windows(4).any(|w| w == b"\r\n\r\n") {
                                    break true;
                                }
                                if filled == buffer.len() {
                                    break false;
                                }
                            };
                            if complete && buffer.starts_with(b"HTTP/1.1 304") {
                                latencies.push(t.elapsed());
                            } else {
                                let line = String::from_utf8_lossy(&buffer[..filled.min(40)]);
                                eprintln!("not a 304: {line:?}");
                                errors += 1;
                            }
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.unwrap());
        }
        out
    })
}
