import { crc16CcittFalse } from './crc16';

describe('crc16CcittFalse', () => {
  it('matches the CRC-16/CCITT-FALSE check value', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('returns 4 uppercase hex digits, zero-padded', () => {
    expect(crc16CcittFalse('')).toBe('FFFF');
    expect(crc16CcittFalse('QRIS')).toMatch(/^[0-9A-F]{4}$/);
  });

  it('matches the EMVCo sample with Chinese text (UTF-8 bytes)', () => {
    const emvcoSample =
      '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304';
    expect(crc16CcittFalse(emvcoSample)).toBe('A13A');
  });
});
