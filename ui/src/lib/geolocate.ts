// One GPS fix from the webview (navigator.geolocation), or null when there is none (no permission,
// no signal, no device): the form then offers typing the position by hand.
export interface Fix { lat: number; lon: number; accuracy: number }

export function currentFix(timeoutMs = 15_000): Promise<Fix | null> {
  if (!globalThis.navigator?.geolocation) return Promise.resolve(null);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    ),
  );
}
