/**
 * `GET /api/status` for the operators' status page: the token from the `StatusToken` secret in
 * `Authorization: Bearer …`, then what Metrics.status gathers. Served by the API handler.
 */
import * as Metrics from "@artai/core/metrics";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { error, json } from "./http.ts";

export async function statusRoute(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const header = event.headers?.authorization ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!Metrics.authorize(token)) {
    return error(401, "Unauthorized", "The status page needs the operators' status token.", {
      "www-authenticate": 'Bearer realm="ArtAI status"',
    });
  }
  return json(200, await Metrics.status({ apiId: event.requestContext.apiId }));
}
