import type { GeoPoint } from '../connector';

/** Mean Earth radius (IUGG), in km. */
const EARTH_KM = 6371.0088;

/**
 * The offices nearest first to where the citizen is (a shared pin, a geocoded address), each with its
 * distance in km (great circle); without a place, the catalog's order and no distances. Ties keep the
 * catalog's order.
 *
 * @example officesByDistance(procedureOffices, { latitude: 39.48, longitude: -0.37 })[0]?.office.code
 */
export function officesByDistance<O extends { lat: number; lon: number }>(offices: readonly O[], from?: GeoPoint): Array<{ office: O; km?: number }> {
  if (!from) return offices.map((office) => ({ office }));
  return offices
    .map((office) => ({ office, km: distanceKm(from, { latitude: office.lat, longitude: office.lon }) }))
    .sort((a, b) => a.km - b.km);
}

/** Great-circle distance by the haversine formula: within 0.5% of the ellipsoid's at a city's scale. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
