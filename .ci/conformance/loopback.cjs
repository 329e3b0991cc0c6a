// Preloaded into the Spector process with `node --require`.
//
// Spector 0.1.0-alpha.24-dev.2 has no --host option and reads no host env var:
// MockApiServer.start() calls express's app.listen(port, cb), which binds to
// all interfaces. This shim makes every net.Server.listen() in the process
// that does not name a host bind to the loopback address instead
// (LRO_SPECTOR_HOST, default 127.0.0.1).
"use strict";
const net = require("node:net");

const host = process.env.LRO_SPECTOR_HOST || "127.0.0.1";
const origListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] !== "string") {
      args.splice(1, 0, host);
    }
  } else if (first && typeof first === "object" && !(first instanceof net.Server) &&
             first.path === undefined && first.fd === undefined && first._handle === undefined &&
             first.handle === undefined) {
    // listen(options[, callback])
    if (first.host === undefined) {
      args[0] = { ...first, host };
    }
  } else if (first === undefined || typeof first === "function") {
    // listen([callback]) -> random port on loopback
    args.unshift(0, host);
  }
  return origListen.apply(this, args);
};
