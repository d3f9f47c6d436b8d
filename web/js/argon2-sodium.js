// Argon2id worker for browsers with WebAssembly: libsodium.js (ES-module
// build, which needs WebAssembly). Loaded only when typeof WebAssembly === "object".
// libsodium always uses parallelism 1, as receipt-v1.md requires.

import sodium from "libsodium-wrappers-sumo";
import { ROOT_LENGTH, serveArgon2 } from "./argon2-protocol.js";

serveArgon2("sodium", async ({ password, salt, ops, memKib }) => {
  await sodium.ready;
  return sodium.crypto_pwhash(
    ROOT_LENGTH, password, salt, ops, memKib * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
});
