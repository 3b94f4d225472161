/** Thrown for any malformed QRIS payload, TLV structure or invalid builder input. */
export class QrisFormatError extends Error {
  constructor(readonly reason: string) {
    super(`Invalid QRIS: ${reason}`);
    this.name = 'QrisFormatError';
  }
}
