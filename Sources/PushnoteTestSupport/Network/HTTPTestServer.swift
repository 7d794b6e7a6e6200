import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on the loopback, Python's `http.server` (threaded, keep-alive), for the
/// tests of pushnote's HTTP client; plain or TLS with a ``TestCertificate``.
///
/// Every request is written to a log before it is answered (``requests()``). Every answer carries
/// `X-Connection` (the client's port, one per connection) and `X-Served` (how many requests the
/// connection has carried). The paths:
///
/// - `/echo`: 200 with the request as JSON (`method`, `path`, `headers` with lowercased names,
///   `body`); a `HEAD` gets the same header fields and no body.
/// - `/chunked`: `hello, chunked world` in three chunks, with a chunk extension and a trailer.
/// - `/status?code=N`: N with `Content-Length: 10` and no body (for 204 and 304).
/// - `/redirect?status=N&to=URL`: N with `Location: URL`.
/// - `/close-after`: 200 `bye`, then the connection is closed, without `Connection: close`.
/// - `/arm-drop`: 200; the next request on the connection is read, logged, and the connection
///   closed without an answer.
/// - `/raw?answer=BYTES`: the percent-decoded bytes as the whole answer, then the connection closed.
/// - `/slow?seconds=S`: 200 after S seconds.
/// - `/stall?seconds=S`: the header fields and 3 of 10 body bytes, then S seconds of silence.
/// - `/big?bytes=N`: N bytes of `x`.
///
/// It is also a forward proxy: `CONNECT host:port` opens a tunnel (502 when the host refuses),
/// and a request in absolute form (`GET http://host:port/path`) is passed on and its answer
/// passed back. Both are logged like any request.
///
/// The server runs until ``stop()`` or until the test process ends.
public final class HTTPTestServer: @unchecked Sendable {
  /// The port it listens on.
  public let port: Int
  /// `http://127.0.0.1:PORT` (`https` with TLS, `[::1]` on IPv6).
  public let url: String
  private let folder: TemporaryDirectory
  private let process: Process

  /// One request as the server read it.
  public struct LoggedRequest: Sendable {
    /// The method.
    public var method: String
    /// The request target (path and query).
    public var path: String
    /// The header fields, names lowercased.
    public var headers: [String: String]
    /// The body, as Latin-1.
    public var body: String
  }

  /// Starts a server on `host` (`127.0.0.1` or `::1`) and returns once it listens.
  ///
  /// - Parameter certificate: the certificate to serve TLS with; nil for plain HTTP.
  public init(host: String = "127.0.0.1", certificate: TestCertificate? = nil) async throws {
    folder = try TemporaryDirectory(prefix: "pushnote-http")
    let portFile = folder.appending("port")
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      ["python3", "-c", Self.script, portFile, folder.appending("log"), host] + (certificate.map { [$0.certificate, $0.key] } ?? [])
    let log = folder.appending("server.log")
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: log)
    process.standardError = process.standardOutput
    try process.run()
    var port: Int?
    for _ in 0..<500 where port == nil {
      port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
      if port == nil { try await Task.sleep(for: .milliseconds(20)) }
    }
    guard let port else {
      kill(process.processIdentifier, SIGKILL)
      throw TestCertificate.Failure(
        message: "the HTTP test server did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }
    self.port = port
    url = "\(certificate == nil ? "http" : "https")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
  }

  deinit { stop() }

  /// Stops the server and waits until it has gone.
  public func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// The requests read so far, oldest first.
  public func requests() -> [LoggedRequest] {
    let text = (try? String(contentsOfFile: folder.appending("log"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
      return LoggedRequest(
        method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
        headers: object["headers"] as? [String: String] ?? [:], body: object["body"] as? String ?? "")
    }
  }

  private static let script = #"""
    import http.client, http.server, json, os, select, socket, ssl, sys, threading, time, urllib.parse
    port_file, log_file, host = sys.argv[1:4]
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *arguments):
            pass

        def setup(self):
            super().setup()
            self.served = 0
            self.drop_next = False

        def reply(self, status, body=b"", headers=(), length=True):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("X-Connection", str(self.client_address[1]))
            self.send_header("X-Served", str(self.served))
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def route(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self.served += 1
            with lock, open(log_file, "a") as log:
                headers = {name.lower(): value for name, value in self.headers.items()}
                log.write(json.dumps({"method": self.command, "path": self.path, "headers": headers,
                                      "body": body.decode("latin-1")}) + "\n")
            if self.drop_next:
                self.close_connection = True
                return
            if self.command == "CONNECT":
                return self.tunnel()
            if self.path.startswith("http://"):
                return self.forward(body)
            target = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(target.query))
            if target.path == "/echo":
                self.reply(200, json.dumps({"method": self.command, "path": self.path, "headers": headers,
                                            "body": body.decode("latin-1")}).encode())
            elif target.path == "/chunked":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("X-Connection", str(self.client_address[1]))
                self.end_headers()
                for part in (b"7;name=value\r\nhello, \r\n", b"8\r\nchunked \r\n", b"5\r\nworld\r\n", b"0\r\nX-Trailer: yes\r\n\r\n"):
                    self.wfile.write(part)
                    self.wfile.flush()
                    time.sleep(0.01)
            elif target.path == "/status":
                self.send_response(int(query["code"]))
                self.send_header("Content-Length", "10")
                self.send_header("X-Connection", str(self.client_address[1]))
                self.end_headers()
            elif target.path == "/redirect":
                self.reply(int(query["status"]), headers=[("Location", query["to"])])
            elif target.path == "/close-after":
                self.reply(200, b"bye")
                self.close_connection = True
            elif target.path == "/arm-drop":
                self.drop_next = True
                self.reply(200, b"armed")
            elif target.path == "/raw":
                self.wfile.write(urllib.parse.unquote_to_bytes(target.query.split("answer=", 1)[1]))
                self.close_connection = True
            elif target.path == "/slow":
                time.sleep(float(query["seconds"]))
                self.reply(200, b"late")
            elif target.path == "/stall":
                self.send_response(200)
                self.send_header("Content-Length", "10")
                self.end_headers()
                self.wfile.write(b"abc")
                self.wfile.flush()
                time.sleep(float(query["seconds"]))
                self.close_connection = True
            elif target.path == "/big":
                self.reply(200, b"x" * int(query["bytes"]))
            else:
                self.reply(404, b"no such path")

        def tunnel(self):
            host, port = self.path.rsplit(":", 1)
            try:
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            except OSError:
                self.reply(502, b"cannot reach " + self.path.encode())
                self.close_connection = True
                return
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            sockets = [self.connection, upstream]
            while True:
                ready, _, _ = select.select(sockets, [], [], 10)
                if not ready:
                    break
                data = b""
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        break
                    (upstream if source is self.connection else self.connection).sendall(data)
                if not data:
                    break
            upstream.close()
            self.close_connection = True

        def forward(self, body):
            target = urllib.parse.urlsplit(self.path)
            upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
            headers = {name: value for name, value in self.headers.items() if name.lower() != "proxy-authorization"}
            upstream.request(self.command, target.path + ("?" + target.query if target.query else ""), body or None, headers)
            answer = upstream.getresponse()
            content = answer.read()
            self.reply(answer.status, content, [(name, value) for name, value in answer.getheaders()
                                                if name.lower() not in ("content-length", "transfer-encoding", "connection")])
            upstream.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_CONNECT = route

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    server = Server((host, 0), Handler)
    if len(sys.argv) > 5:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(port_file + ".new", "w") as file:
        file.write(str(server.server_address[1]))
    os.rename(port_file + ".new", port_file)
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    server.serve_forever()
    """#
}
