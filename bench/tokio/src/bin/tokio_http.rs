//! Tokio's side of the HTTP comparison: the server of examples/http_hello,
//! written on Tokio. Same answers byte for byte, same connection loop: a
//! fixed 8 KiB input buffer, every complete request in it answered into a
//! 16 KiB output written at once, reads and writes bounded by an idle
//! timeout, a task per connection with TCP_NODELAY, on a multi_thread
//! runtime of --threads workers (default 2).
//!
//!   tokio_http [port] [--threads N] [--idle-timeout-ms N] [--address HOST]
//!
//! Prints "listening on ADDRESS:PORT" once it accepts connections.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const HELLO_KEEP_ALIVE: &[u8] =
    b"HTTP/1.1 200 OK\r\nServer: asyncc\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nHello world!";
const HELLO_KEEP_ALIVE_10: &[u8] = b"HTTP/1.1 200 OK\r\nServer: asyncc\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: keep-alive\r\n\r\nHello world!";
const HELLO_CLOSE: &[u8] = b"HTTP/1.1 200 OK\r\nServer: asyncc\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nHello world!";
const BAD_REQUEST: &[u8] =
    b"HTTP/1.1 400 Bad Request\r\nServer: asyncc\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const HEADER_TOO_LARGE: &[u8] =
    b"HTTP/1.1 431 Request Header Fields Too Large\r\nServer: asyncc\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

const INPUT_CAPACITY: usize = 8 * 1024;
const OUTPUT_CAPACITY: usize = 16 * 1024;
const LONGEST_RESPONSE: usize = 256;
const MAX_DRAIN_BYTES: usize = 64 * 1024;
const DRAIN_TIMEOUT: Duration = Duration::from_millis(500);

enum Parsed {
    /// A whole request of this many bytes; keep-alive; HTTP/1.0.
    Complete(usize, bool, bool),
    Incomplete,
    Malformed,
}

fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_ascii_lowercase() == *y)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn list_contains(value: &[u8], token: &[u8]) -> bool {
    value.split(|&c| c == b',').any(|element| eq_ignore_case(trim(element), token))
}

/// RFC 9110 token characters: methods and header names.
fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&c| (33..127).contains(&c) && !b"\"(),/:;<=>?@[\\]{}".contains(&c))
}

/// Parses the request at the front of `input`: request line, headers, and a
/// body announced with Content-Length, which is skipped (chunked bodies are
/// refused), as http_hello does.
fn parse(input: &[u8]) -> Parsed {
    let end = match input.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => end,
        None => return Parsed::Incomplete,
    };
    let mut lines = input[..end].split(|&c| c == b'\n');
    let request_line = lines.next().unwrap_or_default();
    let request_line = request_line.strip_suffix(b"\r").unwrap_or(request_line);
    let mut parts = request_line.split(|&c| c == b' ');
    let (method, target, version) = (parts.next(), parts.next(), parts.next());
    if !method.map_or(false, is_token) || target.map_or(true, |t| t.is_empty()) || parts.next().is_some() {
        return Parsed::Malformed;
    }
    let http_1_0 = match version {
        Some(b"HTTP/1.1") => false,
        Some(b"HTTP/1.0") => true,
        _ => return Parsed::Malformed,
    };
    let mut keep_alive = !http_1_0;
    let mut body = 0usize;
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let colon = match line.iter().position(|&c| c == b':') {
            Some(colon) if colon > 0 => colon,
            _ => return Parsed::Malformed,
        };
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        if !is_token(name) || !value.iter().all(|&c| c == b'\t' || (c >= 32 && c != 127)) {
            return Parsed::Malformed;
        }
        if eq_ignore_case(name, b"connection") {
            if list_contains(value, b"close") {
                keep_alive = false;
            } else if list_contains(value, b"keep-alive") {
                keep_alive = true;
            }
        } else if eq_ignore_case(name, b"transfer-encoding") {
            return Parsed::Malformed;
        } else if eq_ignore_case(name, b"content-length") {
            match std::str::from_utf8(value).ok().and_then(|v| v.parse::<usize>().ok()) {
                Some(length) if length <= INPUT_CAPACITY => body = length,
                _ => return Parsed::Malformed,
            }
        }
    }
    if input.len() < end + 4 + body {
        return Parsed::Incomplete;
    }
    Parsed::Complete(end + 4 + body, keep_alive, http_1_0)
}

enum Next {
    Read,
    Answer,
    Close,
}

/// Answers the complete requests at the front of the input, in order, and
/// drops them from it.
fn answer_requests(input: &mut [u8], filled: &mut usize, output: &mut Vec<u8>) -> Next {
    let mut consumed = 0;
    let mut next = Next::Answer;
    while OUTPUT_CAPACITY - output.len() >= LONGEST_RESPONSE {
        match parse(&input[consumed..*filled]) {
            Parsed::Complete(length, keep_alive, http_1_0) => {
                consumed += length;
                if !keep_alive {
                    output.extend_from_slice(HELLO_CLOSE);
                    next = Next::Close;
                    break;
                }
                output.extend_from_slice(if http_1_0 { HELLO_KEEP_ALIVE_10 } else { HELLO_KEEP_ALIVE });
            }
            Parsed::Malformed => {
                output.extend_from_slice(BAD_REQUEST);
                next = Next::Close;
                break;
            }
            Parsed::Incomplete if consumed == 0 && *filled == INPUT_CAPACITY => {
                output.extend_from_slice(HEADER_TOO_LARGE);
                next = Next::Close;
                break;
            }
            Parsed::Incomplete => {
                next = Next::Read;
                break;
            }
        }
    }
    input.copy_within(consumed..*filled, 0);
    *filled -= consumed;
    next
}

async fn serve_connection(mut stream: TcpStream, idle: Duration) {
    let mut input = vec![0u8; INPUT_CAPACITY];
    let mut filled = 0usize;
    let mut output: Vec<u8> = Vec::with_capacity(OUTPUT_CAPACITY);
    loop {
        let next = answer_requests(&mut input, &mut filled, &mut output);
        if !output.is_empty() {
            match timeout(idle, stream.write_all(&output)).await {
                Ok(Ok(())) => output.clear(),
                _ => return,
            }
        }
        match next {
            Next::Close => {
                if stream.shutdown().await.is_err() {
                    return;
                }
                let mut drained = 0;
                while drained < MAX_DRAIN_BYTES {
                    match timeout(DRAIN_TIMEOUT, stream.read(&mut input)).await {
                        Ok(Ok(n)) if n > 0 => drained += n,
                        _ => break,
                    }
                }
                return;
            }
            Next::Answer => continue,
            Next::Read => {}
        }
        match timeout(idle, stream.read(&mut input[filled..])).await {
            Ok(Ok(n)) if n > 0 => filled += n,
            _ => return,
        }
    }
}

fn main() {
    let mut host = String::from("127.0.0.1");
    let mut port = String::from("0");
    let mut threads = 2usize;
    let mut idle_ms = 5000u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" => threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(2).max(1),
            "--idle-timeout-ms" => idle_ms = args.next().and_then(|n| n.parse().ok()).unwrap_or(5000),
            "--address" => host = args.next().unwrap_or(host),
            a if !a.starts_with('-') => port = a.to_string(),
            _ => {
                eprintln!("usage: tokio_http [port] [--threads N] [--idle-timeout-ms N] [--address HOST]");
                std::process::exit(2);
            }
        }
    }
    let idle = Duration::from_millis(idle_ms);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    rt.block_on(async move {
        let address = format!("{}:{}", host, port);
        let listener = match TcpListener::bind(&address).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("bind {}: {}", address, e);
                std::process::exit(1);
            }
        };
        println!("listening on {}", listener.local_addr().unwrap());
        use std::io::Write;
        std::io::stdout().flush().unwrap();
        // The accept loop is a task, as in http_hello.
        tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(serve_connection(stream, idle));
                    }
                    Err(e) => eprintln!("accept: {}", e),
                }
            }
        })
        .await
        .unwrap();
    });
}
