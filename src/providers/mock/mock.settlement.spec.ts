import { MOCK_ALTERED_BY, MockSettledCandidate, MockSettlementSource, buildMockSettlement, mockUnknownTrxId, parseMockSettlementFaults } from './mock.settlement';

const mdr = { regularBps: 70, umiBps: 30, umiFreeUpTo: 500_000 };
const at = (iso: string) => new Date(iso);
const paid: MockSettledCandidate[] = [
  { orderId: 'O2', providerTrxId: 'T2', amount: 1_000_000, paidAt: at('2025-10-26T03:00:00Z'), createdAt: at('2025-10-26T02:59:00Z') },
  { orderId: 'O1', providerTrxId: 'T1', amount: 150_000, paidAt: at('2025-10-26T01:00:00Z'), createdAt: at('2025-10-26T00:59:00Z') },
];
const unpaid: MockSettledCandidate[] = [
  { orderId: 'O8', providerTrxId: 'T8', amount: 5_000, paidAt: null, createdAt: at('2025-10-26T04:00:00Z') },
  { orderId: 'O9-MOCK_SETTLED', providerTrxId: 'T9', amount: 25_000, paidAt: null, createdAt: at('2025-10-26T05:00:00Z') },
];

function source(): MockSettlementSource & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    paidBetween: async (...args) => (calls.push(args), [...paid]),
    unpaidCreatedBetween: async () => [...unpaid],
  };
}

describe('mock settlement', () => {
  it('settles the day’s PAID payments, with MDR fee and net, over the Jakarta day', async () => {
    const src = source();
    const rows = await buildMockSettlement('mock', '2025-10-26', { source: src, criteria: 'UMI', mdr, faults: [] });
    expect(src.calls[0]).toEqual(['mock', at('2025-10-25T17:00:00Z'), at('2025-10-26T17:00:00Z')]);
    expect(rows).toEqual([
      { providerTrxId: 'T1', amount: 150_000, fee: 0, netAmount: 150_000, settlementDate: '2025-10-26', fileId: 'mock-settlement-2025-10-26', paidAt: paid[1].paidAt },
      { providerTrxId: 'T2', amount: 1_000_000, fee: 3_000, netAmount: 997_000, settlementDate: '2025-10-26', fileId: 'mock-settlement-2025-10-26', paidAt: paid[0].paidAt },
    ]);
    const regular = await buildMockSettlement('mock', '2025-10-26', { source: src, criteria: 'URE', mdr, faults: [] });
    expect(regular.map((r) => [r.fee, r.netAmount])).toEqual([[1_050, 148_950], [7_000, 993_000]]);
  });

  it('injects each fault deterministically', async () => {
    const faults = parseMockSettlementFaults(' drop_one, alter_amount,add_unknown , include_pending');
    expect(faults).toEqual(['drop_one', 'alter_amount', 'add_unknown', 'include_pending']);
    const rows = await buildMockSettlement('mock', '2025-10-26', { source: source(), criteria: 'UMI', mdr, faults });
    // O1 (T1) dropped, O2 (T2) altered, unpaid O9-MOCK_SETTLED (T9) included, O8 not, an unknown trx added; ordered by trx id.
    expect(rows.map((r) => [r.providerTrxId, r.amount])).toEqual([
      [mockUnknownTrxId('2025-10-26'), 10_000],
      ['T2', 1_000_000 + MOCK_ALTERED_BY],
      ['T9', 25_000],
    ]);
  });
});
