// Argon2id worker for browsers without WebAssembly (Tor Browser "Safer"):
// @noble/hashes, pure JavaScript, with progress reports.

import { argon2id } from "@noble/hashes/argon2.js";
import { ROOT_LENGTH, serveArgon2 } from "./argon2-protocol.js";

serveArgon2("noble", async ({ password, salt, ops, memKib }, onProgress) =>
  argon2id(password, salt, { t: ops, m: memKib, p: 1, dkLen: ROOT_LENGTH, version: 0x13, onProgress }),
);
