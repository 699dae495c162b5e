// A minimal MongoDB wire-protocol responder for driver-level fault tests. It answers the official driver's handshake
// and heartbeats as the primary of a one-member replica set and hands every other command to the test, which scripts
// the reply: a command error with labels, a write-concern error, a dropped connection, documents holding ObjectIds.
// It tests the CLIENT side only (what the driver sends and how the adapter reacts to what comes back): it stores
// nothing, evaluates no query and is never used as a database. Messages: OP_QUERY/OP_REPLY for the legacy handshake,
// OP_MSG (kind 0 body, kind 1 document sequences) for everything else; no compression is offered.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BSON, Long, ObjectId, type Document } from 'bson';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const MORE_TO_COME = 2;
const HANDSHAKE_COMMANDS = new Set(['hello', 'ismaster', 'isMaster']);

/** What the test answers: a reply document, or 'drop-connection' to close the socket instead of replying. */
export type ScriptedReply = Document | 'drop-connection';
/** Called for every command but the handshake; undefined means `{ ok: 1 }`. */
export type CommandScript = (command: Document, name: string) => ScriptedReply | undefined;

export interface WireResponder {
  /** A connection string naming this responder as the replica set `rs0`; `options` are appended as URL options. */
  url(options?: string): string;
  /** Every command the driver sent apart from handshakes and heartbeats, in arrival order (document sequences inlined). */
  readonly commands: Document[];
  /** Replaces the script answering commands. */
  script(answer: CommandScript): void;
  close(): Promise<void>;
}

export async function startWireResponder(): Promise<WireResponder> {
  const sockets = new Set<Socket>();
  const commands: Document[] = [];
  let answer: CommandScript = () => undefined;
  let connectionIds = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const connectionId = (connectionIds += 1);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        respond(socket, message, connectionId);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  function helloReply(connectionId: number): Document {
    return {
      helloOk: true,
      ismaster: true,
      isWritablePrimary: true,
      setName: 'rs0',
      setVersion: 1,
      hosts: [address],
      primary: address,
      me: address,
      electionId: new ObjectId('7fffffff0000000000000001'),
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId,
      minWireVersion: 0,
      maxWireVersion: 21,
      readOnly: false,
      ok: 1,
    };
  }

  function respond(socket: Socket, message: Buffer, connectionId: number): void {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode === OP_QUERY) {
      // Only the driver's first (legacy) handshake comes as OP_QUERY: whatever it asks, the answer is hello's.
      socket.write(opReply(requestId, helloReply(connectionId)));
      return;
    }
    if (opCode !== OP_MSG) throw new Error(`wire responder: unexpected opCode ${opCode}`);
    const flags = message.readUInt32LE(16);
    const command = readSections(message.subarray(20));
    const name = Object.keys(command)[0];
    let reply: ScriptedReply | undefined;
    if (HANDSHAKE_COMMANDS.has(name)) reply = helloReply(connectionId);
    else {
      commands.push(command);
      reply = answer(command, name) ?? { ok: 1 };
    }
    if (reply === 'drop-connection') socket.destroy();
    else if ((flags & MORE_TO_COME) === 0) socket.write(opMsg(requestId, reply));
  }

  return {
    url: (options = '') => `mongodb://${address}/?replicaSet=rs0&serverSelectionTimeoutMS=2000${options ? `&${options}` : ''}`,
    commands,
    script(next) {
      answer = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A find/aggregate reply holding every document in its first batch (the cursor id must be an int64). */
export function cursorReply(namespace: string, documents: Document[]): Document {
  return { ok: 1, cursor: { id: Long.ZERO, ns: namespace, firstBatch: documents } };
}

/** The command document of an OP_MSG body, with kind-1 document sequences (e.g. `documents` of an insert) inlined. */
function readSections(body: Buffer): Document {
  let command: Document = {};
  let offset = 0;
  while (offset < body.length) {
    const kind = body[offset];
    offset += 1;
    const size = body.readInt32LE(offset);
    if (kind === 0) {
      command = { ...BSON.deserialize(body.subarray(offset, offset + size)), ...command };
      offset += size;
      continue;
    }
    const end = offset + size;
    const nameEnd = body.indexOf(0, offset + 4);
    const identifier = body.toString('utf8', offset + 4, nameEnd);
    const documents: Document[] = [];
    for (let at = nameEnd + 1; at < end; at += body.readInt32LE(at))
      documents.push(BSON.deserialize(body.subarray(at, at + body.readInt32LE(at))));
    command[identifier] = documents;
    offset = end;
  }
  return command;
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(0, 4);
  bytes.writeInt32LE(responseTo, 8);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

function opMsg(responseTo: number, document: Document): Buffer {
  const body = Buffer.from(BSON.serialize(document));
  const prefix = Buffer.alloc(5); // flagBits 0, then section kind 0
  return Buffer.concat([header(16 + prefix.length + body.length, responseTo, OP_MSG), prefix, body]);
}

function opReply(responseTo: number, document: Document): Buffer {
  const body = Buffer.from(BSON.serialize(document));
  const fields = Buffer.alloc(20); // responseFlags, cursorId (int64), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(16 + fields.length + body.length, responseTo, OP_REPLY), fields, body]);
}
