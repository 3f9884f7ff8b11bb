import { distanceM, distanceText, frameOf, isFar, projector } from '../geo';
import { daysSince, visitBand } from '../time';

describe('geo', () => {
  const home = { lat: 40.4, lon: 110.04 };
  it('measures metres like the engine', () => {
    expect(distanceM(home, { lat: 40.401, lon: 110.04 })).toBeCloseTo(111.2, 0);
  });

  it('flags a far fix only beyond its accuracy (the engine rule)', () => {
    expect(isFar({ lat: 40.401, lon: 110.04 }, 10, home)).toBe(false);
    expect(isFar({ lat: 40.403, lon: 110.04 }, 10, home)).toBe(true);
    expect(isFar({ lat: 40.403, lon: 110.04 }, 200, home)).toBe(false);
  });

  it('says metres below a kilometre and kilometres above', () => {
    expect(distanceText(850.4, 'zh-CN')).toBe('850 米');
    expect(distanceText(147_399, 'zh-CN')).toBe('147.4 公里');
    expect(distanceText(1_500, 'en')).toBe('1.5 km');
  });

  it('projects north up into the SVG box', () => {
    const f = frameOf([[110, 40], [110.01, 40.01]])!;
    const p = projector(f, 300);
    expect(p.x(f.minLon)).toBeCloseTo(0);
    expect(p.x(f.maxLon)).toBeCloseTo(300);
    expect(p.y(f.maxLat)).toBeCloseTo(0);
    expect(p.y(f.minLat)).toBeCloseTo(p.height);
    expect(p.y(40.009)).toBeLessThan(p.y(40.001));
    expect(frameOf([])).toBeNull();
  });
});

describe('time', () => {
  const now = Date.UTC(2026, 10, 20, 12);
  it('counts whole days since a visit', () => {
    expect(daysSince(null, now)).toBeNull();
    expect(daysSince(now - 3_600_000, now)).toBe(0);
    expect(daysSince(now - 8 * 86_400_000, now)).toBe(8);
  });

  it('bands households by days since the last visit', () => {
    expect(visitBand(null)).toBe('never');
    expect(visitBand(7)).toBe('recent');
    expect(visitBand(8)).toBe('month');
    expect(visitBand(31)).toBe('overdue');
  });
});
