import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LlrpDecodeError, LlrpMessageReader, encodeMessage, type LlrpMessage } from '../../drivers/rfid/llrp/llrp-binary.js';
import { MSG, parseReaderEvent, parseRoAccessReport, parseStatus } from '../../drivers/rfid/llrp/llrp-messages.js';
import { connectionAttemptBody, connectionCloseBody, gpiEventBody, statusBody, tagReportData } from '../../drivers/sim/llrp-sim-codec.js';
import { checksCoverage, chunked, fuzz, must, mutated } from './fuzz-kit.js';

/**
 * LLRP messages from a reader (drivers/rfid/llrp-reader.ts is the consumer): the TCP stream is cut into
 * messages by LlrpMessageReader, then each body is parsed by type. The contract: a framing error is
 * reported as `error` (the driver drops the connection), a malformed body throws LlrpDecodeError (the
 * driver counts it and goes on); nothing else may escape, and no value may come out impossible.
 */

const NOW_US = 1_772_000_000_000_000n;
const EPC96 = Buffer.from('3074257BF7194E4000001A85', 'hex');
const TID = Buffer.from('E2801160200012345678ABCD', 'hex');

const CORPUS: Buffer[] = [
  encodeMessage(MSG.RO_ACCESS_REPORT, 7, Buffer.concat([
    tagReportData({ epc: EPC96, antenna: 1, rssi: -52, firstSeenUs: NOW_US }),
    tagReportData({ epc: Buffer.from('3000AABBCCDD', 'hex'), antenna: 2, rssi: -70, firstSeenUs: NOW_US, read: { accessSpecId: 9, opSpecId: 1, data: TID } }),
  ])),
  encodeMessage(MSG.READER_EVENT_NOTIFICATION, 1, connectionAttemptBody(0, NOW_US)),
  encodeMessage(MSG.READER_EVENT_NOTIFICATION, 2, gpiEventBody(1, true, NOW_US)),
  encodeMessage(MSG.READER_EVENT_NOTIFICATION, 3, connectionCloseBody(NOW_US)),
  encodeMessage(MSG.ADD_ROSPEC_RESPONSE, 4, statusBody(0)),
  encodeMessage(MSG.ERROR_MESSAGE, 5, statusBody(101, 'P_ParameterError: bad ROSpec')),
  encodeMessage(MSG.KEEPALIVE, 6),
];

const TYPES = CORPUS.map((m) => m.readUInt16BE(0) & 0x3ff);

/** What the driver does with one message; returns the number of tags seen. */
function consume(message: LlrpMessage): number {
  try {
    switch (message.type) {
      case MSG.RO_ACCESS_REPORT: {
        const tags = parseRoAccessReport(message.body);
        for (const tag of tags) {
          must(Buffer.isBuffer(tag.epc), 'EPC is not bytes');
          must(tag.antenna === null || (Number.isInteger(tag.antenna) && tag.antenna >= 0 && tag.antenna <= 0xffff), `antenna ${tag.antenna}`);
          must(tag.rssi === null || (tag.rssi >= -128 && tag.rssi <= 127), `rssi ${tag.rssi}`);
        }
        return tags.length;
      }
      case MSG.READER_EVENT_NOTIFICATION: {
        const event = parseReaderEvent(message.body);
        must(event.connectionAttempt === null || (event.connectionAttempt >= 0 && event.connectionAttempt <= 0xffff), 'attempt status');
        return 0;
      }
      case MSG.KEEPALIVE:
        return 0;
      default: {
        const status = parseStatus(message.body);
        must(typeof status.description === 'string' && status.code >= 0 && status.code <= 0xffff, 'status');
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof LlrpDecodeError) {
      must(err.message.length > 0 && err.message.length < 200, 'decode error without a reason');
      return 0;
    }
    throw err;
  }
}

describe('LLRP messages under generated and mutated bytes', () => {
  it('the stream reader and every body parser fail only with a reason, never with a stray exception', () => {
    const maxMessageBytes = 64 * 1024;
    let reader = new LlrpMessageReader(maxMessageBytes);
    let tags = 0;
    let framingErrors = 0;
    const input = chunked(
      fc.oneof(
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)) },
        // A valid header in front of random bytes: reaches the body parsers with garbage.
        { weight: 2, arbitrary: fc.tuple(fc.constantFrom(MSG.RO_ACCESS_REPORT, MSG.READER_EVENT_NOTIFICATION, MSG.ERROR_MESSAGE, MSG.ADD_ROSPEC_RESPONSE), fc.uint8Array({ maxLength: 80 })).map(([type, body]) => encodeMessage(type, 1, Buffer.from(body))) },
        { weight: 6, arbitrary: mutated(CORPUS) },
        // Body mutated, header re-encoded to match: the mutant passes framing and hits the parser.
        { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...TYPES), mutated(CORPUS.map((m) => m.subarray(10)))).map(([type, body]) => encodeMessage(type, 1, body)) },
      ),
    );
    // Half the cases start on a fresh connection: a mutated length field legitimately makes a reader wait
    // for up to 64 KiB, which would otherwise swallow most later cases.
    const report = fuzz('llrp/reader-stream', fc.tuple(input, fc.boolean()), ([chunks, fresh]) => {
      if (fresh) reader = new LlrpMessageReader(maxMessageBytes);
      for (const chunk of chunks) {
        const { messages, error } = reader.push(chunk);
        for (const message of messages) tags += consume(message);
        if (error !== null) {
          must(error.length > 0, 'empty framing error');
          framingErrors += 1;
          // The driver drops the connection and starts over with a fresh reader.
          reader = new LlrpMessageReader(maxMessageBytes);
        }
        must(reader.pendingBytes <= maxMessageBytes, `${reader.pendingBytes} bytes pending`);
      }
    });
    if (checksCoverage(report)) {
      expect(tags).toBeGreaterThan(report.runs / 100);
      expect(framingErrors).toBeGreaterThan(0);
    }
  }, 240_000);
});
