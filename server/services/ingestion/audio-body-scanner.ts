/**
 * Reads a post_call_audio body as it streams in, without holding it: the base64 of `data.full_audio` is decoded on the
 * fly and handed out in pieces of exactly AUDIO_CHUNK_BYTES, and everything else (the small rest of the JSON, with
 * that string emptied) is kept to be parsed once at the end. `data.agent_id` is picked up on the way, so the shared
 * URL finds its organization without a second parse. A byte-level JSON state machine: structural characters are
 * ASCII and never occur inside multi-byte UTF-8 sequences, so bytes can be read one by one.
 */
import { AUDIO_CHUNK_BYTES } from "./inbox";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type Frame = { kind: "object" | "array"; key: string | null; expectKey: boolean };

export class BodyTooLarge extends Error {}

/** The index of `byte` in `buf` from `from`, or the buffer's length when there is none. */
function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const at = buf.indexOf(byte, from);
  return at < 0 ? buf.length : at;
}

export class AudioBodyScanner {
  private readonly stack: Frame[] = [];
  private inString = false;
  private escape = false;
  private stringIsKey = false;
  /** The string being read, when it is a key or a value we want (capped). */
  private text: number[] | null = null;
  private audio = false;
  private audioEscape: number[] | null = null;
  private base64 = "";
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private restParts: Buffer[] = [];
  private restBytes = 0;
  private restStart = 0;
  /** Whole pieces ready for storage (the caller drains them after each write). */
  readonly ready: Buffer[] = [];
  audioBytes = 0;
  audioInvalid = false;
  sawAudio = false;
  agentId: string | null = null;

  constructor(private readonly maxRestBytes: number) {}

  write(buf: Buffer): void {
    this.restStart = 0;
    let quoteAt = -1;
    let backslashAt = -1;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (this.inString) {
        if (this.audio) {
          if (this.audioEscape) {
            this.audioEscaped(c);
            continue;
          }
          if (c === BACKSLASH) {
            this.audioEscape = [];
            continue;
          }
          if (c === QUOTE) {
            this.inString = false;
            this.audio = false;
            this.flushBase64(true);
            this.restStart = i; // the closing quote goes to the rest
            continue;
          }
          // The run of plain characters up to the next quote or backslash, in one piece (50 MB bodies are mostly this).
          if (quoteAt < i) quoteAt = indexOrEnd(buf, QUOTE, i);
          if (backslashAt < i) backslashAt = indexOrEnd(buf, BACKSLASH, i);
          const end = Math.min(quoteAt, backslashAt);
          this.base64 += buf.toString("latin1", i, end);
          if (this.base64.length >= 65_536) this.flushBase64(false);
          i = end - 1;
          continue;
        }
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          this.endString();
          continue;
        }
        if (this.text && this.text.length < 256) this.text.push(c);
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      if (c === QUOTE) {
        this.inString = true;
        this.stringIsKey = top?.kind === "object" && top.expectKey;
        const wantedValue = !this.stringIsKey && this.isPath("data", "agent_id");
        this.text = this.stringIsKey || wantedValue ? [] : null;
        if (!this.stringIsKey && this.isPath("data", "full_audio")) {
          this.audio = true;
          this.sawAudio = true;
          this.keepRest(buf, i + 1); // up to and with the opening quote
        }
      } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        this.stack.push({ kind: c === 0x7b ? "object" : "array", key: null, expectKey: c === 0x7b });
      } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        this.stack.pop();
      } else if (c === 0x2c /* , */ && top?.kind === "object") {
        top.expectKey = true;
        top.key = null;
      }
    }
    if (!this.audio) this.keepRest(buf, buf.length);
  }

  private isPath(first: string, second: string): boolean {
    return this.stack.length === 2 && this.stack[0].kind === "object" && this.stack[0].key === first && this.stack[1].kind === "object" && this.stack[1].key === second;
  }

  private endString() {
    const top = this.stack[this.stack.length - 1];
    let value: string | null = null;
    if (this.text) {
      try {
        value = JSON.parse(`"${Buffer.from(this.text).toString("utf8")}"`) as string;
      } catch {
        value = null;
      }
    }
    this.text = null;
    if (this.stringIsKey && top) {
      top.key = value;
      top.expectKey = false;
    } else if (value !== null && this.isPath("data", "agent_id")) this.agentId = value;
  }

  private audioEscaped(c: number) {
    const seq = this.audioEscape!;
    seq.push(c);
    const kind = String.fromCharCode(seq[0]);
    if (kind === "u") {
      if (seq.length < 5) return;
      const code = parseInt(String.fromCharCode(...seq.slice(1)), 16);
      this.audioEscape = null;
      if (Number.isNaN(code)) this.audioInvalid = true;
      else if (code !== 0x0a && code !== 0x0d) this.base64 += String.fromCharCode(code);
      return;
    }
    this.audioEscape = null;
    if (kind === "/") this.base64 += "/";
    else if (kind !== "n" && kind !== "r") this.audioInvalid = true;
  }

  /** Decodes whole groups of 4 base64 characters (all at the end of the string). */
  private flushBase64(final: boolean) {
    // Mid-string, one group stays behind: it may be the last, the only one allowed to carry "=" padding.
    const usable = final ? this.base64.length : Math.max(0, this.base64.length - (this.base64.length % 4) - 4);
    const text = this.base64.slice(0, usable);
    this.base64 = this.base64.slice(usable);
    if (!text) return;
    if ((!final && text.includes("=")) || !BASE64.test(text) || (final && text.length % 4 === 1)) {
      this.audioInvalid = true;
      return;
    }
    const bytes = Buffer.from(text, "base64");
    this.audioBytes += bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes >= AUDIO_CHUNK_BYTES) this.takeChunk(AUDIO_CHUNK_BYTES);
    if (final && this.pendingBytes > 0) this.takeChunk(this.pendingBytes);
  }

  private takeChunk(size: number) {
    const all = Buffer.concat(this.pending);
    this.ready.push(all.subarray(0, size));
    const left = all.subarray(size);
    this.pending = left.length ? [Buffer.from(left)] : [];
    this.pendingBytes = left.length;
  }

  private keepRest(buf: Buffer, end: number) {
    if (end <= this.restStart) return;
    const part = buf.subarray(this.restStart, end);
    this.restBytes += part.length;
    if (this.restBytes > this.maxRestBytes) throw new BodyTooLarge("the body outside full_audio is too large");
    this.restParts.push(Buffer.from(part));
  }

  /** The body with full_audio emptied (call after the last write). */
  rest(): string {
    return Buffer.concat(this.restParts).toString("utf8");
  }

  /** Bytes held in memory right now (rest, undecoded base64, a partial piece). */
  held(): number {
    return this.restBytes + this.base64.length + this.pendingBytes + this.ready.reduce((n, b) => n + b.length, 0);
  }
}
