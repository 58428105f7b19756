// The widget on a page of the server's own origin (the proxy serves the host
// pages under /site/): every flow, without depending on CORS.
import { defineWidgetTests } from './flows.mjs';

defineWidgetTests({ crossOrigin: false });
