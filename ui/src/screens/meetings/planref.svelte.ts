// The lists the plan and meeting forms offer (legal bases, assessment domains, conference types,
// statuses). They hold no case data, so they stay loaded across locks.
import { backend } from "../../lib/backend";
import type { PlanReference } from "../../lib/backend/types/PlanReference";

export const planRef = $state<{ data: PlanReference | null }>({ data: null });

export async function loadPlanRef(): Promise<PlanReference> {
  if (!planRef.data) planRef.data = await backend.planReference();
  return planRef.data;
}
