// Every domain-separation label of the project, mirrored from crypto/labels.py.
// Full-path style: peluit/<area>/v<version>/<purpose>. Values are ASCII strings;
// use labelBytes() where bytes are needed.

// Envelope (docs/spec/envelope-v1.md)
export const ENVELOPE_KEY_ID = "peluit/envelope/v1/key-id";
export const ENVELOPE_WRAP = "peluit/envelope/v1/wrap";
export const ENVELOPE_HEADER = "peluit/envelope/v1/header";
export const ENVELOPE_PAYLOAD = "peluit/envelope/v1/payload";

// Receipt derivation (docs/spec/receipt-v1.md)
export const RECEIPT_SELECTOR = "peluit/receipt/v1/selector";
export const RECEIPT_VALIDATOR = "peluit/receipt/v1/validator";
export const RECEIPT_XWING_SEED = "peluit/receipt/v1/xwing-seed";
export const RECEIPT_VALIDATOR_HASH = "peluit/receipt/v1/validator-hash";

// Signatures (docs/spec/unit-card-v1.md)
export const SIG_UNIT_CARD = "peluit/unit-card/v1";
export const SIG_REPLY = "peluit/reply/v1";
export const SIG_ACK_TEMPLATE = "peluit/ack-template/v1";
export const SIG_REPLY_BUNDLE = "peluit/reply-bundle/v1";
export const SIG_EXPORT_BUNDLE = "peluit/export-bundle/v1";
export const SIG_FORWARD = "peluit/forward/v1"; // docs/spec/forwarding-v1.md

// Unit card fingerprint (docs/spec/unit-card-v1.md)
export const CARD_FINGERPRINT = "peluit/unit-card/v1/fingerprint";

// Key file AEAD associated data (docs/spec/key-file-v1.md)
export const KEY_FILE = "peluit/key-file/v1";

// Proof of work before an upload session (docs/spec/reporter-api-v1.md)
export const POW_CHALLENGE = "peluit/pow/v1";
export const POW_SOLUTION = "peluit/pow/v1/solution";
// A receipt lookup's pass for the reads that follow it (server-side only; mirrored)
export const LOOKUP_PASS = "peluit/lookup-pass/v1";

// Workstation store and backup keys (offline tool; mirrored so the test sees every label)
export const WORKSTATION_STORE = "peluit/workstation/v1/store";
export const WORKSTATION_BACKUP = "peluit/workstation/v1/backup";

export const ALL_LABELS = Object.freeze([
  ENVELOPE_KEY_ID, ENVELOPE_WRAP, ENVELOPE_HEADER, ENVELOPE_PAYLOAD,
  RECEIPT_SELECTOR, RECEIPT_VALIDATOR, RECEIPT_XWING_SEED, RECEIPT_VALIDATOR_HASH,
  SIG_UNIT_CARD, SIG_REPLY, SIG_ACK_TEMPLATE, SIG_REPLY_BUNDLE, SIG_EXPORT_BUNDLE, SIG_FORWARD,
  CARD_FINGERPRINT, KEY_FILE, POW_CHALLENGE, POW_SOLUTION,
  LOOKUP_PASS, WORKSTATION_STORE, WORKSTATION_BACKUP,
]);

/**
 * The label's ASCII bytes.
 * @param {string} label
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function labelBytes(label) {
  return new TextEncoder().encode(label);
}
