// Reads a recorded WebSocket byte stream the way an eavesdropper would: the HTTP upgrade in clear, then each
// frame unmasked (client frames are XOR-masked with a key sent beside them, which hides nothing).
export function eavesdrop(stream: Buffer): string {
  const headerEnd = stream.indexOf("\r\n\r\n");
  const isHttp = stream
    .subarray(0, 5)
    .toString("latin1")
    .match(/^(GET |HTTP\/)/);
  let offset = isHttp && headerEnd >= 0 ? headerEnd + 4 : 0;
  let text = stream.subarray(0, offset).toString("latin1");
  while (offset + 2 <= stream.length) {
    const first = stream[offset]!;
    const second = stream[offset + 1]!;
    if (first & 0x40) throw new Error("eavesdrop: a compressed (permessage-deflate) frame; not handled here");
    let length = second & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      length = stream.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      length = Number(stream.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const mask = second & 0x80 ? stream.subarray(cursor, cursor + 4) : undefined;
    if (mask) cursor += 4;
    if (cursor + length > stream.length) break; // cut off mid-frame
    const payload = Buffer.from(stream.subarray(cursor, cursor + length));
    if (mask) for (let index = 0; index < payload.length; index++) payload[index]! ^= mask[index % 4]!;
    text += `\n${payload.toString("latin1")}`;
    offset = cursor + length;
  }
  return text;
}
