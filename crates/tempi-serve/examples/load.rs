//! Load harness for `tempi serve`: N concurrent subscribers poll feeds with `If-None-Match`.
//!
//! ```text
//! tempi serve org.toml --state st --listen 127.0.0.1:8080 --max-per-peer 2000 -q &
//! tempi serve org.toml --state st --base http://127.0.0.1:8080 --print-links > links.tsv
//! cargo run --release -p tempi-serve --example load -- links.tsv 1000 [ROUNDS] [MODE] [--cold]
//! ```
//!
//! MODE (default `tokio`): the subscribers as tasks on one thread, or `threads`, one OS thread
//! each (the first harness: a thousand threads share the two cores with the server).
//!
//! Every feed in links.tsv (or only member feeds when there are more than CLIENTS of them) is
//! fetched once to learn its `ETag` (not timed). Then CLIENTS subscribers, each on one
//! kept-alive connection, send a conditional GET for each of their share of the feeds, ROUNDS
//! times (default 1): with 20,000 member feeds and 1,000 clients, 20 each; with fewer feeds than
//! clients, one feed each, round robin. Every answer other than `304` is an error.
//!
//! Before the clock starts, every subscriber connects and sends one untimed conditional GET,
//! and all wait until the last has its answer: subscribers keep their connections alive, so
//! the measured state is a thousand established connections polling, not a thousand
//! handshakes in one burst. `--cold` times from the first connection instead (each
//! subscriber's first request then also waits for the server to accept the burst).
//!
//! Prints requests, errors, p50, p99 and max latency and the wall time; then the same per
//! round and for each subscriber's first timed request; Little's law (throughput × mean latency
//! against the number of subscribers: a closed loop keeps CLIENTS requests in flight, so the
//! mean is set by throughput); and, for the `tokio` harness, how long a task that is ready to
//! run waits on the harness's own thread (a probe that yields and times its return): that
//! wait is in every latency measured and is the harness's, not the server's.
//!
//! `LOAD_DUMP=FILE` also writes one line per timed request: when it was written (µs from the
//! first), its latency (µs) and its subscriber, to see whether slow answers cluster in time
//! (a stall) or in subscribers (an unfair connection) or neither (an unfair queue).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
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

/// One timed request: its round (from 0), whether it was its subscriber's first timed request,
/// and how long from just before its request was written to its answer's last byte.
#[derive(Clone, Copy)]
struct Sample {
    round: usize,
    first: bool,
    latency: Duration,
    /// When the request was written.
    at: Instant,
    subscriber: usize,
}

/// What one subscriber measured: its samples and its errors.
type Outcome = (Vec<Sample>, usize);

/// The share of the feeds of subscriber `i`: with fewer feeds than subscribers, one each, round
/// robin; else every CLIENTS-th.
fn share_of<T: Clone>(tagged: &[T], i: usize, clients: usize) -> Vec<T> {
    if tagged.len() < clients {
        tagged.get(i % tagged.len()).into_iter().cloned().collect()
    } else {
        tagged.iter().skip(i).step_by(clients).cloned().collect()
    }
}

fn main() {
    let all_args: Vec<String> = std::env::args().collect();
    let cold = all_args.iter().any(|a| a == "--cold");
    let args: Vec<&String> = all_args.iter().filter(|a| !a.starts_with("--")).collect();
    let links = std::fs::read_to_string(args[1]).expect("links.tsv from --print-links");
    let clients: usize = args.get(2).map_or(1000, |n| n.parse().unwrap());
    let rounds: usize = args.get(3).map_or(1, |n| n.parse().unwrap());
    let mode = args.get(4).map_or("tokio", |m| m.as_str());
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
    let (mut results, wall, lag): (Vec<Outcome>, Duration, Vec<Duration>) = if mode == "tokio" {
        subscribers_on_one_thread(&host, &tagged, clients, rounds, cold)
    } else {
        let (results, wall) = subscribers_on_threads(&host, &tagged, clients, rounds, cold);
        (results, wall, Vec::new())
    };
    let errors: usize = results.iter().map(|r| r.1).sum();
    let samples: Vec<Sample> = results.iter_mut().flat_map(|r| std::mem::take(&mut r.0)).collect();
    let latencies = |keep: &dyn Fn(&Sample) -> bool| -> Vec<Duration> {
        samples.iter().filter(|s| keep(s)).map(|s| s.latency).collect()
    };
    let all = latencies(&|_| true);
    if let Ok(path) = std::env::var("LOAD_DUMP") {
        let origin = samples.iter().map(|s| s.at).min().unwrap();
        let mut out = String::new();
        for s in &samples {
            out += &format!(
                "{} {} {}\n",
                (s.at - origin).as_micros(),
                s.latency.as_micros(),
                s.subscriber
            );
        }
        std::fs::write(path, out).unwrap();
    }
    println!(
        "feeds {} clients {clients} rounds {rounds} harness {mode}{}: requests {} errors {errors} {} wall {:.2} s",
        tagged.len(),
        if cold { " cold" } else { "" },
        all.len() + errors,
        summary(all.clone()),
        wall.as_secs_f64()
    );
    for round in 0..rounds {
        println!("  round {}: {}", round + 1, summary(latencies(&|s| s.round == round)));
    }
    println!("  first timed request of each subscriber: {}", summary(latencies(&|s| s.first)));
    println!("  the others: {}", summary(latencies(&|s| !s.first)));
    let mean = all.iter().sum::<Duration>().as_secs_f64() / all.len().max(1) as f64;
    let throughput = all.len() as f64 / wall.as_secs_f64();
    println!(
        "  Little's law: {throughput:.0} answers/s × mean {:.2} ms = {:.0} in flight (subscribers {clients})",
        mean * 1e3,
        throughput * mean
    );
    if !lag.is_empty() {
        println!("  harness thread, wait of a ready task (yield probe): {}", summary(lag));
    }
}

/// p50, p99 and max of `latencies`, in milliseconds.
fn summary(mut latencies: Vec<Duration>) -> String {
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1));
        latencies.get(i).copied().unwrap_or_default().as_secs_f64() * 1e3
    };
    format!(
        "n {} p50 {:.2} ms p99 {:.2} ms max {:.2} ms",
        latencies.len(),
        at(0.50),
        at(0.99),
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    )
}

/// One OS thread per subscriber (the first harness).
fn subscribers_on_threads(
    host: &str,
    tagged: &[(String, String)],
    clients: usize,
    rounds: usize,
    cold: bool,
) -> (Vec<Outcome>, Duration) {
    // Warm: everyone connected and answered once before the clock starts.
    let ready = Arc::new(std::sync::Barrier::new(clients + 1));
    let mut started = Instant::now();
    let results = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|i| {
                let share = share_of(tagged, i, clients);
                let ready = Arc::clone(&ready);
                std::thread::Builder::new()
                    .stack_size(256 * 1024)
                    .spawn_scoped(s, move || {
                        let mut samples = Vec::with_capacity(share.len() * rounds);
                        let mut errors = 0;
                        let connection = Connection::open(host);
                        let mut c = match connection {
                            Ok(mut c) if !cold => {
                                let (path, etag) = &share[0];
                                let warm = c.get(path, Some(etag));
                                ready.wait();
                                match warm {
                                    Ok(_) => c,
                                    Err(e) => {
                                        eprintln!("warm-up request: {e}");
                                        return (samples, share.len() * rounds);
                                    }
                                }
                            }
                            Ok(c) => c,
                            Err(e) => {
                                eprintln!("connect: {e}");
                                if !cold {
                                    ready.wait();
                                }
                                return (samples, share.len() * rounds);
                            }
                        };
                        for round in 0..rounds {
                            for (path, etag) in &share {
                                let t = Instant::now();
                                match c.get(path, Some(etag)) {
                                    Ok((304, _)) => samples.push(Sample {
                                        round,
                                        first: samples.is_empty() && errors == 0,
                                        latency: t.elapsed(),
                                        at: t,
                                        subscriber: i,
                                    }),
                                    Ok((status, _)) => {
                                        eprintln!("status {status}");
                                        errors += 1;
                                    }
                                    Err(e) => {
                                        eprintln!(
                                            "request {} of the client: {e}",
                                            errors + samples.len() + 1
                                        );
                                        errors += 1;
                                    }
                                }
                            }
                        }
                        (samples, errors)
                    })
                    .unwrap()
            })
            .collect();
        if !cold {
            ready.wait();
            started = Instant::now();
        }
        handles.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>()
    });
    (results, started.elapsed())
}

/// One conditional GET on `stream`, read up to the end of the answer's header block (a `304`
/// has no body): whether it was a `304`.
async fn conditional_get(
    stream: &mut tokio::net::TcpStream,
    request: &[u8],
    buffer: &mut [u8],
) -> Result<(), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request).await.map_err(|e| e.to_string())?;
    let mut filled = 0;
    loop {
        match stream.read(&mut buffer[filled..]).await {
            Ok(0) => return Err("connection closed".into()),
            Err(e) => return Err(e.to_string()),
            Ok(n) => filled += n,
        }
        if buffer[..filled].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
        if filled == buffer.len() {
            return Err("header block too long".into());
        }
    }
    if buffer.starts_with(b"HTTP/1.1 304") {
        Ok(())
    } else {
        Err(format!("not a 304: {:?}", String::from_utf8_lossy(&buffer[..filled.min(40)])))
    }
}

/// The subscribers as tasks on one thread (tokio's current-thread runtime): the harness then
/// takes at most one core, where a thousand OS threads compete with the server for both.
fn subscribers_on_one_thread(
    host: &str,
    tagged: &[(String, String)],
    clients: usize,
    rounds: usize,
    cold: bool,
) -> (Vec<Outcome>, Duration, Vec<Duration>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        // Warm: the clock starts when every subscriber has connected and had one answer.
        let ready = Arc::new(tokio::sync::Barrier::new(clients + 1));
        let tasks: Vec<_> = (0..clients)
            .map(|i| {
                let share = share_of(tagged, i, clients);
                let host = host.to_string();
                let ready = Arc::clone(&ready);
                tokio::spawn(async move {
                    let mut samples = Vec::with_capacity(share.len() * rounds);
                    let mut errors = 0;
                    let mut buffer = vec![0u8; 4096];
                    let request = |(path, etag): &(String, String)| {
                        format!(
                            "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\nIf-None-Match: {etag}\r\n\r\n"
                        )
                    };
                    let connected = tokio::net::TcpStream::connect(&host).await;
                    if let Ok(stream) = &connected {
                        let _ = stream.set_nodelay(true);
                    }
                    let mut stream = match connected {
                        Ok(mut stream) if !cold => {
                            let warm =
                                conditional_get(&mut stream, request(&share[0]).as_bytes(), &mut buffer)
                                    .await;
                            ready.wait().await;
                            match warm {
                                Ok(()) => stream,
                                Err(e) => {
                                    eprintln!("warm-up request: {e}");
                                    return (samples, share.len() * rounds);
                                }
                            }
                        }
                        Ok(stream) => stream,
                        Err(e) => {
                            eprintln!("connect: {e}");
                            if !cold {
                                ready.wait().await;
                            }
                            return (samples, share.len() * rounds);
                        }
                    };
                    for round in 0..rounds {
                        for feed in &share {
                            let request = request(feed);
                            let t = Instant::now();
                            match conditional_get(&mut stream, request.as_bytes(), &mut buffer).await {
                                Ok(()) => samples.push(Sample {
                                    round,
                                    first: samples.is_empty() && errors == 0,
                                    latency: t.elapsed(),
                                    at: t,
                                    subscriber: i,
                                }),
                                Err(e) => {
                                    eprintln!("{e}");
                                    errors += 1;
                                }
                            }
                        }
                    }
                    (samples, errors)
                })
            })
            .collect();
        if !cold {
            ready.wait().await;
        }
        let started = Instant::now();
        // From the start of the clock on.
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let probe = {
            let done = Arc::clone(&done);
            tokio::spawn(async move {
                let mut lag = Vec::new();
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let t = Instant::now();
                    tokio::task::yield_now().await;
                    lag.push(t.elapsed());
                    // One sample a millisecond at most: the probe must not load the thread.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                lag
            })
        };
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.unwrap());
        }
        let wall = started.elapsed();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (out, wall, probe.await.unwrap())
    })
}
