/**
 * The register's catalogue of the services residents commonly report: every front door that
 * lists them (the resident's report form, Open311's service list) takes them from here.
 */

export interface ReportableService {
  lgslCode: number;
  /** What people call it, shown under the service's LGSL label. */
  hint: string;
  /** The heading it comes under in lists of services (Open311's `group`). */
  group: string;
}

/**
 * What residents most often report, by LGSL code: district-tier services first (bins, streets),
 * then county-tier ones (roads, pavements, lights). The labels come from the `service` table; the
 * hints are GOV.UK's names for the same services in its local services list (`alphagov/publisher`,
 * `data/local_services.csv`, as gathered in ../shared/data/categories/two_tier_report_categories.csv),
 * except for LGSL 524, which that list does not name.
 */
export const REPORTABLE_SERVICES: readonly ReportableService[] = [
  { lgslCode: 524, hint: 'Missed bin collections and collection days', group: 'Bins and recycling' },
  { lgslCode: 533, hint: 'Recycling collections', group: 'Bins and recycling' },
  { lgslCode: 530, hint: 'Disposing of garden waste', group: 'Bins and recycling' },
  { lgslCode: 528, hint: 'Special collections for large items', group: 'Bins and recycling' },
  { lgslCode: 587, hint: 'Flytipping', group: 'Streets and environment' },
  { lgslCode: 580, hint: 'Street cleaning', group: 'Streets and environment' },
  { lgslCode: 577, hint: 'Dog fouling', group: 'Streets and environment' },
  { lgslCode: 584, hint: 'Graffiti problems', group: 'Streets and environment' },
  { lgslCode: 372, hint: 'Abandoned vehicles', group: 'Streets and environment' },
  { lgslCode: 412, hint: 'Noise nuisance', group: 'Noise and pests' },
  { lgslCode: 431, hint: 'Pest control', group: 'Noise and pests' },
  { lgslCode: 557, hint: 'Potholes', group: 'Roads, pavements and lights' },
  { lgslCode: 537, hint: 'Pavement problems', group: 'Roads, pavements and lights' },
  { lgslCode: 564, hint: 'Street lights', group: 'Roads, pavements and lights' },
  { lgslCode: 567, hint: 'Traffic lights', group: 'Roads, pavements and lights' },
  { lgslCode: 555, hint: 'Road flooding', group: 'Roads, pavements and lights' },
];
