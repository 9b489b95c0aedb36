/** Requests the route tests send to the app in process (`createApp().request`). */

/** What the tests ask of a Hono app. */
interface App {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * A function that POSTs a body to `app` as JSON. A string is sent as it is: that is how tests send bodies that
 * are not JSON, or not an object.
 */
export function jsonPoster(app: App): (path: string, body: unknown) => Promise<Response> {
  return async (path, body) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  };
}
