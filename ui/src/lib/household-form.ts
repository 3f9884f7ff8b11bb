// The household register's form: text fields as typed (numbers and coordinates as strings until
// saved), turned into the Household the engine validates, and the visit interval the tags set.
import type { Household } from './bindings/Household';
import type { HouseholdTag } from './bindings/HouseholdTag';
import type { VisitIntervals } from './bindings/VisitIntervals';

export interface MemberForm { name: string; relation: string; birth_year: string; phone: string }

export interface HouseholdForm {
  micro_grid: string;
  head_name: string;
  address: string;
  door_number: string;
  phone: string;
  members: MemberForm[];
  tags: HouseholdTag[];
  lat: string;
  lon: string;
  notes: string;
  archived: boolean;
}

export const RELATIONS = ['户主', '配偶', '子女', '父母', '孙子女', '兄弟姐妹', '其他'];

export function emptyForm(micro_grid = ''): HouseholdForm {
  return { micro_grid, head_name: '', address: '', door_number: '', phone: '', members: [], tags: [], lat: '', lon: '', notes: '', archived: false };
}

export function emptyMember(): MemberForm {
  return { name: '', relation: '', birth_year: '', phone: '' };
}

export function toForm(h: Household): HouseholdForm {
  return {
    micro_grid: h.micro_grid, head_name: h.head_name, address: h.address, door_number: h.door_number, phone: h.phone ?? '',
    members: h.members.map((m) => ({ name: m.name, relation: m.relation, birth_year: m.birth_year == null ? '' : String(m.birth_year), phone: m.phone ?? '' })),
    tags: [...h.tags], lat: h.location ? String(h.location.lat) : '', lon: h.location ? String(h.location.lon) : '',
    notes: h.notes, archived: h.archived,
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
/** A typed number, or NaN for text that is not one (the engine then says the field is out of range). */
const num = (s: string) => (s.trim() === '' ? null : Number(s.trim()));

export function fromForm(f: HouseholdForm): Household {
  const lat = num(f.lat);
  const lon = num(f.lon);
  return {
    micro_grid: f.micro_grid, head_name: f.head_name.trim(), address: f.address.trim(), door_number: f.door_number.trim(),
    phone: orNull(f.phone),
    members: f.members.map((m) => ({ name: m.name.trim(), relation: m.relation.trim(), birth_year: num(m.birth_year), phone: orNull(m.phone) })),
    tags: [...f.tags], location: lat == null || lon == null ? null : { lat, lon }, notes: f.notes.trim(), archived: f.archived,
  };
}

/** Days between visits for these tags: the shortest tag's, or the untagged interval. */
export function intervalDays(tags: HouseholdTag[], intervals: VisitIntervals): number {
  const days = intervals.tags.filter(([t]) => tags.includes(t)).map(([, d]) => d);
  return days.length === 0 ? intervals.untagged_days : Math.min(...days);
}
