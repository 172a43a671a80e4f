/**
 * Forwards a request (or a WebSocket upgrade, for Next's dev reloads) to another local server.
 * The maintained proxy libraries on npm no longer support Node 20, and this needs only Node's own
 * streams.
 */
import { type IncomingMessage, request, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";

export function forward(target: URL, req: IncomingMessage, res: ServerResponse) {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: {
        ...req.headers,
        "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1",
        "x-forwarded-host": req.headers.host ?? "",
        "x-forwarded-proto": "http",
      },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (!res.headersSent) {
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`The web app is not answering yet (${error.message}). Try again in a moment.`);
    } else {
      res.destroy();
    }
  });
  req.pipe(upstream);
}

export function forwardUpgrade(target: URL, req: IncomingMessage, socket: Socket, head: Buffer) {
  const upstream = connect(Number(target.port), target.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on("error", close);
  socket.on("error", close);
}
