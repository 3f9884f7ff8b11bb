// Positions in the UI: the distance warning shown before saving a visit (the engine flags the
// saved visit by the same rule), and projecting a micro-grid onto the offline map's SVG.
import type { GeoPoint } from './bindings/GeoPoint';

/** The engine's threshold (gridwork_domain::geo::DEFAULT_FAR_VISIT_M). */
export const FAR_VISIT_M = 200;

export function distanceM(a: GeoPoint, b: GeoPoint): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

/** Far only when even the accuracy radius does not bring the fix within the threshold. */
export function isFar(fix: GeoPoint, accuracyM: number, home: GeoPoint): boolean {
  return distanceM(fix, home) - Math.max(0, accuracyM) > FAR_VISIT_M;
}

export interface Frame {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** The box around every point, padded by 5 % on each side. */
export function frameOf(points: [number, number][]): Frame | null {
  if (points.length === 0) return null;
  let [minLon, minLat] = points[0];
  let [maxLon, maxLat] = points[0];
  for (const [lon, lat] of points) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  const padLon = (maxLon - minLon) * 0.05 || 0.0005;
  const padLat = (maxLat - minLat) * 0.05 || 0.0005;
  return { minLon: minLon - padLon, minLat: minLat - padLat, maxLon: maxLon + padLon, maxLat: maxLat + padLat };
}

/** Projects lon/lat into a `width`-wide SVG box (north up, metres kept square at this latitude). */
export function projector(f: Frame, width: number): { x: (lon: number) => number; y: (lat: number) => number; height: number } {
  const k = Math.cos((((f.minLat + f.maxLat) / 2) * Math.PI) / 180);
  const scale = width / ((f.maxLon - f.minLon) * k);
  const height = (f.maxLat - f.minLat) * scale;
  return { x: (lon) => (lon - f.minLon) * k * scale, y: (lat) => (f.maxLat - lat) * scale, height };
}

/** A distance as a worker reads it: metres below 1 km, kilometres with one decimal above. */
export function distanceText(m: number, locale: string): string {
  const zh = locale === 'zh-CN';
  if (m < 1000) return zh ? `${Math.round(m)} 米` : `${Math.round(m)} m`;
  const km = (m / 1000).toFixed(1);
  return zh ? `${km} 公里` : `${km} km`;
}
