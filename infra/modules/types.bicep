@export()
@description('An object whose values are all strings: resource tags, app settings.')
type stringMap = {
  *: string
}
