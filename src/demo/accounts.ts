/**
 * Demo accounts, one or more for each role, listed in the README. They share one password and
 * exist only in the demo: `jointly demo` and the first `npm start` create them.
 */
import type { Role } from '../db/index.ts';

export const DEMO_PASSWORD = 'jointly-demo-password';

export interface DemoAccount {
  email: string;
  name: string;
  /** Organisation by GSS code or GOV.UK slug. */
  grants: Array<{ org: string; role: Role; partnership?: string; services?: number[] }>;
}

const WARWICKSHIRE_COUNCILS = [
  'warwickshire',
  'north-warwickshire',
  'nuneaton-and-bedworth',
  'rugby',
  'stratford-on-avon',
  'warwick',
];

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: 'admin.devon@example.org',
    name: 'Devon partnership administrator',
    grants: [{ org: 'devon', role: 'partnership_admin', partnership: 'integrated-devon' }],
  },
  {
    email: 'admin.2020vision@example.org',
    name: '2020 Vision partnership administrator',
    grants: [{ org: 'cotswold', role: 'partnership_admin', partnership: '2020-vision' }],
  },
  {
    email: 'admin.warwickshire@example.org',
    name: 'Warwickshire Way partnership administrator',
    grants: [{ org: 'warwickshire', role: 'partnership_admin', partnership: 'warwickshire-way' }],
  },
  {
    email: 'admin.lancashire@example.org',
    name: 'Transforming Lancashire partnership administrator',
    grants: [{ org: 'lancashire', role: 'partnership_admin', partnership: 'transforming-lancashire' }],
  },
  {
    email: 'officer.exeter@example.org',
    name: 'Exeter City Council officer',
    grants: [{ org: 'exeter', role: 'officer' }],
  },
  {
    email: 'officer.cotswold.waste@example.org',
    name: 'Cotswold waste services officer',
    grants: [{ org: 'cotswold', role: 'officer', services: [524, 526, 530] }],
  },
  {
    email: 'councillor.westoxfordshire@example.org',
    name: 'West Oxfordshire councillor',
    grants: [{ org: 'west-oxfordshire', role: 'councillor' }],
  },
  {
    email: 'finance.lead.2020vision@example.org',
    name: '2020 Vision partnership finance lead',
    grants: [{ org: 'cotswold', role: 'finance_lead', partnership: '2020-vision' }],
  },
  {
    email: 'finance.lead.devon@example.org',
    name: 'South Hams and West Devon finance lead',
    grants: [{ org: 'south-hams', role: 'finance_lead', partnership: 'integrated-devon' }],
  },
  {
    email: 'finance.cheltenham@example.org',
    name: 'Cheltenham Borough Council finance officer',
    grants: [{ org: 'cheltenham', role: 'finance_officer' }],
  },
  {
    email: 'finance.westdevon@example.org',
    name: 'West Devon Borough Council finance officer',
    grants: [{ org: 'west-devon', role: 'finance_officer' }],
  },
  {
    email: 'clerk.teignbridge@example.org',
    name: 'Teignbridge District Council democratic services officer',
    grants: [{ org: 'teignbridge', role: 'clerk' }],
  },
  {
    email: 'clerk.westdevon@example.org',
    name: 'West Devon Borough Council democratic services officer',
    grants: [{ org: 'west-devon', role: 'clerk' }],
  },
  {
    email: 'clerk.cotswold@example.org',
    name: 'Cotswold District Council democratic services officer',
    grants: [{ org: 'cotswold', role: 'clerk' }],
  },
  {
    email: 'officer.burnley@example.org',
    name: 'Burnley Borough Council officer',
    grants: [{ org: 'burnley', role: 'officer' }],
  },
  {
    email: 'councillor.burnley@example.org',
    name: 'Burnley Borough Council councillor',
    grants: [{ org: 'burnley', role: 'councillor' }],
  },
  {
    email: 'agent.warwickshire@example.org',
    name: 'Warwickshire Direct contact-centre agent',
    grants: WARWICKSHIRE_COUNCILS.map((org) => ({ org, role: 'agent' as const })),
  },
];
