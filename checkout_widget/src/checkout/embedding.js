/**
 * Talking to the merchant page that embeds the checkout (through checkout.js).
 * Results go only to the origin the SDK named in `parent_origin`, and only when that really is the
 * embedding page's origin, so a page framing the checkout under a false name learns nothing.
 */

/** The parent origin to post to, or null when the page must not post at all. */
export function resolveParentOrigin(params, location) {
  if (params.get('embedded') !== 'true') return null;
  const claimed = params.get('parent_origin');
  if (!claimed) return null;
  let origin;
  try {
    origin = new URL(claimed).origin;
  } catch {
    return null;
  }
  if (origin !== claimed || !/^https?:$/.test(new URL(claimed).protocol)) return null;
  // Chromium and Safari tell the real embedder; where they do, it must match the claim.
  const ancestors = location && location.ancestorOrigins;
  if (ancestors && ancestors.length > 0 && ancestors[0] !== origin) return null;
  return origin;
}

export function createParentChannel(parentWindow, parentOrigin) {
  return {
    post(type, data) {
      if (!parentOrigin || !parentWindow) return false;
      parentWindow.postMessage(data === undefined ? { type } : { type, data }, parentOrigin);
      return true;
    },
  };
}
