// The widget on a customer's site of another origin (a host page on its own
// loopback port, allowed by the streams): every flow, through CORS.
import { defineWidgetTests } from './flows.mjs';

defineWidgetTests({ crossOrigin: true });
