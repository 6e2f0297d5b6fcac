-- wrk script: POST /v1/screen with a rotating set of names (listed, misspelt, other scripts, and made up).
-- usage: wrk ... -s scripts/wrk-screen.lua URL -- API_KEY
local names = {
  "Hikvision", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD", "Hikvisoin", "Dahua Technology", "Megvii",
  "Rim Abbas", "Шлыков Игорь", "哈尔滨工程大学", "Rosoboronexport", "Acme Widgets Ltd", "Johann Schmidt GmbH",
  "Mahan Air", "Sberbank", "Huawei Technologies", "Quorblat Industries", "China Electronics Technology Group",
}
local counter = 0
local key = ""

function init(args)
  key = args[1] or ""
end

function request()
  counter = counter + 1
  local name = names[(counter % #names) + 1]
  local body = '{"name": "' .. name .. '"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end

function done(summary, latency, requests)
  io.write(string.format("requests/s: %.0f  p50: %.2f ms  p99: %.2f ms  errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
