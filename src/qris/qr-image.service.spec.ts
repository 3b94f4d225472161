import { Test } from '@nestjs/testing';
import { QrImageService } from './qr-image.service';
import { QrisModule } from './qris.module';

const PAYLOAD =
  '00020101021226690016ID.CO.CONTOH.WWW011993600999123456789010215CTH0000000123450303UMI51440014ID.CO.QRIS.WWW0215ID10200000000010303UMI5204581253033605405250005802ID5911TOKO CONTOH6007JAKARTA61051011062430114INV202405210010510ORD-8F3K2Q0707KASIR0163040D89';

describe('QrImageService', () => {
  let service: QrImageService;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [QrisModule] }).compile();
    service = moduleRef.get(QrImageService);
  });

  it('renders a PNG', async () => {
    const png = await service.toPng(PAYLOAD);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(360); // IHDR width
  });

  it('renders an SVG', async () => {
    expect(await service.toSvg(PAYLOAD)).toContain('<svg');
  });
});
