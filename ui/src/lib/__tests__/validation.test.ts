import { translator } from '../i18n';
import { errorsByField, fieldKey, fieldMessage } from '../validation';

const zh = translator('zh-CN');
const en = translator('en');

describe('validation messages', () => {
  it('name indexed fields once in the catalog', () => {
    expect(fieldKey('parties[2].phone')).toBe('parties.phone');
    expect(fieldKey('follow_up')).toBe('follow_up');
  });

  it("speak the user's language", () => {
    const e = { field: 'follow_up', code: 'required', message: 'say what needs following up' };
    expect(fieldMessage(e, zh)).toBe('请填写跟进事项');
    expect(fieldMessage(e, en)).toBe('Follow-up is required');
    expect(fieldMessage({ field: 'parties[0].phone', code: 'phone', message: 'x' }, zh)).toBe('当事人电话不是有效的电话号码');
  });

  it("fall back to the engine's words for codes the catalog does not know", () => {
    expect(fieldMessage({ field: 'x', code: 'brand_new', message: 'engine says no' }, zh)).toBe('engine says no');
  });

  it('keep the first message of each field', () => {
    const out = errorsByField(
      [
        { field: 'description', code: 'required', message: '' },
        { field: 'description', code: 'too_long', message: '' },
        { field: 'parties[1].name', code: 'required', message: '' },
      ],
      zh,
    );
    expect(out).toEqual({ description: '请填写情况描述', 'parties[1].name': '请填写当事人姓名' });
  });
});
