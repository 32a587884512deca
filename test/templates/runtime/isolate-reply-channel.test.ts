/**
 * Tests for the reply channel of isolated instances (templates/runtime/isolate-reply-channel.ts): every kind of
 * value an import's answer can hold goes through a real `SharedArrayBuffer` from the writer to the reader and
 * comes back equal, answers larger than the buffer grow it, and values that cannot cross are refused by name
 * before anything is written. (The worker's side blocks in `Atomics.wait`; here the answer is already written
 * when the reader looks, so the wait returns at once.)
 */
import { describe, expect, it } from "vitest";
import {
  createReplyBuffer,
  ReplyReader,
  ReplyWriter,
} from "../../../templates/runtime/isolate-reply-channel.js";
import { HANDLE_KEY, type ImportReply } from "../../../templates/runtime/isolate-wire.js";

function channel(): { readonly send: (reply: ImportReply) => ImportReply } {
  const buffer = createReplyBuffer();
  const writer = new ReplyWriter(buffer);
  const reader = new ReplyReader(buffer);
  return {
    send(reply) {
      writer.write(reply);
      return reader.read();
    },
  };
}

const roundTrip = (value: unknown): unknown => {
  const reply = channel().send({ kind: "value", value });
  expect(reply.kind).toBe("value");
  return (reply as { readonly value: unknown }).value;
};

describe("the reply channel of an isolated instance", () => {
  it("carries numbers exactly: integers, -0, NaN, infinities and fractions", () => {
    for (const value of [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, 0.1, -1.5e-300]) {
      expect(roundTrip(value)).toBe(value);
    }
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip(Number.NaN)).toBeNaN();
    expect(roundTrip(Infinity)).toBe(Infinity);
    expect(roundTrip(-Infinity)).toBe(-Infinity);
  });

  it("carries bigints of every size, booleans, null and undefined", () => {
    for (const value of [
      0n,
      -1n,
      -(2n ** 63n),
      2n ** 63n - 1n,
      2n ** 64n - 1n,
      2n ** 64n,
      -(2n ** 90n),
    ]) {
      expect(roundTrip(value)).toBe(value);
    }
    for (const value of [true, false, null, undefined]) expect(roundTrip(value)).toBe(value);
  });

  it("carries strings: short and long, ASCII and not, with lone surrogates replaced as UTF-8 does", () => {
    for (const value of [
      "",
      "a",
      "héllo, wörld",
      "日本語",
      "🦀 crab",
      "x".repeat(31),
      "é".repeat(40_000),
    ]) {
      expect(roundTrip(value)).toBe(value);
    }
    expect(roundTrip("a\u0000b")).toBe("a\u0000b");
    expect(roundTrip("x\ud800y".repeat(20))).toBe("x\ufffdy".repeat(20));
  });

  it("carries arrays, plain and null-prototype objects, maps and handle marks, nested", () => {
    const value = {
      tag: "some",
      val: [1, "two", { three: 3n, four: [undefined, null] }],
      map: new Map<unknown, unknown>([
        ["k", 1],
        [2, ["v"]],
      ]),
      mark: { [HANDLE_KEY]: "host", id: 7, cls: '["a","b"]' },
    };
    expect(roundTrip(value)).toEqual(value);
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(roundTrip(bare)).toEqual({ a: 1 });
  });

  it("carries typed arrays of every kind and ArrayBuffers, as copies with their own buffers", () => {
    const arrays = [
      new Int8Array([-1, 2]),
      new Uint8Array([1, 255]),
      new Uint8ClampedArray([0, 255]),
      new Int16Array([-300, 300]),
      new Uint16Array([65_535]),
      new Int32Array([-(2 ** 31)]),
      new Uint32Array([2 ** 32 - 1]),
      new Float32Array([1.5, -0.25]),
      new Float64Array([Math.PI]),
      new BigInt64Array([-(2n ** 63n)]),
      new BigUint64Array([2n ** 64n - 1n]),
    ];
    for (const array of arrays) {
      const back = roundTrip(array) as ArrayBufferView;
      expect(back).toBeInstanceOf(array.constructor);
      expect(back).toEqual(array);
    }
    const inner = new Uint16Array(new Uint16Array([1, 2, 3, 4]).buffer, 2, 2);
    const back = roundTrip(inner) as Uint16Array;
    expect([...back]).toEqual([2, 3]);
    expect(back.byteOffset).toBe(0);
    expect(new Uint8Array(roundTrip(new Uint8Array([9, 8]).buffer) as ArrayBuffer)).toEqual(
      new Uint8Array([9, 8]),
    );
  });

  it("carries errors and `pending` replies, and many replies in turn through one buffer", () => {
    const { send } = channel();
    expect(send({ kind: "pending" })).toEqual({ kind: "pending" });
    const error: ImportReply = {
      kind: "error",
      error: { kind: "error", name: "TypeError", message: "no", stack: undefined },
    };
    expect(send(error)).toEqual(error);
    for (let i = 0; i < 100; i++)
      expect(send({ kind: "value", value: `v${i}` })).toEqual({
        kind: "value",
        value: `v${i}`,
      });
  });

  it("grows the shared buffer for an answer larger than it (10 MiB), then carries small ones again", () => {
    const { send } = channel();
    const big = new Uint8Array(10 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const back = send({ kind: "value", value: big }) as { readonly value: Uint8Array };
    // Compared as bytes: a deep equality walks ten million elements one by one.
    expect(Buffer.compare(back.value, big)).toBe(0);
    expect(send({ kind: "value", value: 1 })).toEqual({ kind: "value", value: 1 });
  });

  it("refuses values that cannot cross, naming them, before writing anything", () => {
    const buffer = createReplyBuffer();
    const writer = new ReplyWriter(buffer);
    class Thing {}
    const refusals: [unknown, string][] = [
      [() => 1, "a function cannot cross to or from an isolated instance"],
      [Symbol("s"), "a symbol cannot cross to or from an isolated instance"],
      [new Date(0), "a Date cannot cross to or from an isolated instance"],
      [new Thing(), "a Thing cannot cross to or from an isolated instance"],
      [new DataView(new ArrayBuffer(1)), "a DataView cannot cross to or from an isolated instance"],
    ];
    for (const [value, message] of refusals) {
      expect(() => writer.write({ kind: "value", value: [1, { inner: value }] })).toThrow(
        new TypeError(message),
      );
    }
    expect(Atomics.load(new Int32Array(buffer, 0, 1), 0)).toBe(0);
  });
});
