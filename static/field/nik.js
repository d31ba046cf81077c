// The counter's NIK check, offline: a port of slrt/core/nik.py (check_nik) that the server repeats at sync.
// 16 digits; province+kabupaten known; DDMMYY birth date (day + 40 for women) not in the future; serial not
// 0000. Returns {errors: [[label, params]], nik, birthDate, sex}.
function birthDate(digits, today) {
  let day = Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  const year2 = Number(digits.slice(4, 6));
  let sex = "L";
  if (day > 40) { day -= 40; sex = "P"; }
  for (const year of [2000 + year2, 1900 + year2]) {
    const born = new Date(Date.UTC(year, month - 1, day));
    const real = born.getUTCFullYear() === year && born.getUTCMonth() === month - 1 && born.getUTCDate() === day;
    if (real && born <= today) return {born: born.toISOString().slice(0, 10), sex};
  }
  return {born: null, sex: null};
}

export function checkNik(raw, regencies, today = new Date()) {
  const result = {errors: [], nik: "", birthDate: null, sex: null};
  const text = (raw || "").trim();
  if (!text) { result.errors.push(["nik_empty", {}]); return result; }
  const digits = text.replace(/[\s\-.]/g, "");
  if (!/^[0-9]+$/.test(digits)) { result.errors.push(["nik_digits", {}]); return result; }
  if (digits.length !== 16) { result.errors.push(["nik_length", {n: digits.length}]); return result; }
  result.nik = digits;
  const regency = `${digits.slice(0, 2)}.${digits.slice(2, 4)}`;
  if (regencies && !regencies.includes(regency)) result.errors.push(["nik_region", {code: regency}]);
  const {born, sex} = birthDate(digits.slice(6, 12), today);
  if (born === null) result.errors.push(["nik_date", {}]);
  else { result.birthDate = born; result.sex = sex; }
  if (digits.slice(12) === "0000") result.errors.push(["nik_serial", {}]);
  return result;
}
