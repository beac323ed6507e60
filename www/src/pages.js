// Which view a route shows (see router.js for the routes the explorer links to).

import { html } from './html.js';
import { Topology } from './views/topology.js';
import { ActivityPage } from './views/activity.js';
import { ExercisesPage } from './views/exercises.js';
import { PushPage } from './views/push.js';
import { McPingPage } from './views/mcping.js';
import { Accounts, EventTypes } from './views/admin.js';
import { Workflows } from './views/workflows.js';
import { Templates, Published, Deliveries } from './views/templates.js';
import { EventsPage } from './views/events.js';
import { Reports } from './views/reports.js';
import { Blocks, Options } from './views/blocks.js';

function NotFound() {
  return html`<p class="empty">There is no such page here. Choose one in the explorer.</p>`;
}

const PAGES = {
  topology: Topology,
  activity: ActivityPage,
  exercises: ExercisesPage,
  push: PushPage,
  mcping: McPingPage,
  accounts: Accounts,
  eventTypes: EventTypes,
  workflows: Workflows,
  templates: Templates,
  published: Published,
  deliveries: Deliveries,
  events: EventsPage,
  reports: Reports,
  blocks: Blocks,
  options: Options,
};

/** The view of a route. */
export function pageFor(route) {
  return PAGES[route.page || 'topology'] ?? NotFound;
}
