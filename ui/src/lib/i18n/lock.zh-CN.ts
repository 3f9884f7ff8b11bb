// Chinese (zh-CN) words of the app lock: the PIN at enrollment, the unlock screen, the idle lock,
// the offline lock ("请同步") and the wipe back to enrollment. Keys mirror lock.en.ts exactly.
export const lockZhCN = {
  pin: {
    label: '设置 6 位数字 PIN',
    confirm: '再次输入 PIN',
    hint: '每次打开网格通和闲置一段时间后，都需要输入这个 PIN。请牢记，忘记后只能重新注册。',
    notSixDigits: 'PIN 必须是 6 位数字',
    mismatch: '两次输入的 PIN 不一致，请重新输入',
    noKeyring: '此设备没有系统密钥环：数据仅由 PIN 保护',
  },
  unlock: {
    title: '解锁',
    intro: '请输入 6 位 PIN 解锁网格通',
    pin: 'PIN',
    submit: '解锁',
    working: '正在解锁…',
    delete: '删除',
    wrong: 'PIN 不正确，还可以再试 {left} 次',
    wait: '请 {s} 秒后再试',
    waitMinutes: '请 {m} 分 {s} 秒后再试',
    warnWipe: '注意：再输错 {left} 次，本机上的全部数据将被清除，需要重新注册。',
    setTitle: '设置 PIN',
    setIntro: '为保护本机上的住户信息，请设置 6 位数字 PIN。以后打开网格通时需要输入。',
    setSubmit: '设置 PIN 并继续',
  },
  idle: {
    locked: '闲置时间较长，网格通已自动锁定',
  },
  offlineLock: {
    title: '请同步',
    intro: '本机已 {days} 天没有连接服务器（上限为 {limit} 天）。为保护数据，同步成功之前只能同步和查看待同步的记录。本机数据不会因离线而删除。',
  },
  wiped: {
    revoked: '本机已被网格办停用，本机上的数据已全部清除。如需继续使用，请向网格办索取新的注册码重新注册。',
    wrong_pins: 'PIN 连续输错次数过多，为保护数据，本机上的数据已全部清除。请向网格办索取新的注册码重新注册。',
  },
};
