import { describe, expect, it } from 'vitest';
import { distanceKm, officesByDistance } from '../../../connectors/appointments/nearest-offices';

const offices = [
  { code: 'centro', lat: 39.4699, lon: -0.3763 },
  { code: 'norte', lat: 39.4901, lon: -0.3702 },
  { code: 'playa', lat: 39.4598, lon: -0.3260 },
];

describe('officesByDistance', () => {
  it('orders offices nearest first to a citizen in the north of the city, with distances', () => {
    const near = officesByDistance(offices, { latitude: 39.495, longitude: -0.372 });
    expect(near.map((n) => n.office.code)).toEqual(['norte', 'centro', 'playa']);
    expect(near[0]?.km).toBeCloseTo(0.56, 1);
  });

  it('keeps the catalog order, without distances, when the place is unknown', () => {
    expect(officesByDistance(offices)).toEqual(offices.map((office) => ({ office })));
  });

  it('measures a known distance: Madrid (Puerta del Sol) to Barcelona (Plaça de Catalunya) is about 505 km', () => {
    expect(distanceKm({ latitude: 40.4169, longitude: -3.7035 }, { latitude: 41.3870, longitude: 2.1701 })).toBeCloseTo(505, -1);
  });
});
