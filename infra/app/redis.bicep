metadata description = 'Azure Cache for Redis used for Orleans cluster membership. TLS only (port 6380).'

@description('Cache name.')
param name string

@description('Azure region of the cache.')
param location string

@description('Tags applied to the cache.')
param tags object

@description('Pricing tier of the cache.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param skuName string = 'Basic'

@description('SKU family: C for Basic and Standard, P for Premium.')
@allowed([
  'C'
  'P'
])
param skuFamily string = 'C'

@description('Cache size within the family (C0-C6, P1-P5).')
@minValue(0)
@maxValue(6)
param skuCapacity int = 0

resource redis 'Microsoft.Cache/redis@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: skuName
      family: skuFamily
      capacity: skuCapacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    redisVersion: '6'
    // The Orleans Redis clustering provider authenticates with the access key (kept in a Container Apps secret).
    disableAccessKeyAuthentication: false
  }
}

output name string = redis.name
output hostName string = redis.properties.hostName
output sslPort int = redis.properties.sslPort
